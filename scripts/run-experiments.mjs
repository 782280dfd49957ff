#!/usr/bin/env node
// Runs every shipped experiment (or those named) one after another with the built CLI, then
// prints one line per experiment: verdict, wall time and the measured figures.
// Usage: npm run experiments [-- experiments/leader-kill.yaml …]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const files =
  process.argv.slice(2).length > 0
    ? process.argv.slice(2)
    : readdirSync('experiments')
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => join('experiments', f));
const root = join('reports', `experiments-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`);
mkdirSync(root, { recursive: true });
const rows = [];
for (const file of files) {
  const name = file.replace(/^.*\//, '').replace(/\.yaml$/, '');
  const out = join(root, name);
  const started = Date.now();
  process.stderr.write(`› ${name}\n`);
  const run = spawnSync(process.execPath, ['bin/streamchaos.js', 'run', file, '--out', out], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  const seconds = (Date.now() - started) / 1000;
  const resultFile = join(out, 'result.json');
  if (!existsSync(resultFile)) {
    rows.push({ name, verdict: `error (exit ${run.status})`, seconds });
    continue;
  }
  const r = JSON.parse(readFileSync(resultFile, 'utf8'));
  const eo = r.exactlyOnce;
  rows.push({
    name,
    verdict: r.verdict,
    seconds,
    acked: eo.acked,
    indeterminate: eo.indeterminate,
    lost: eo.lost,
    duplicated: eo.duplicated,
    reordered: eo.reordered,
    recovery: Math.max(0, ...r.faults.map((f) => f.recovery?.recoverySeconds ?? Number.NaN)),
    outage: Math.max(0, ...r.faults.map((f) => f.recovery?.outageSeconds ?? 0)),
    lagBack: Math.max(0, ...r.faults.map((f) => f.recovery?.lagRecoveredAfterHealSeconds ?? Number.NaN)),
    maxLag: r.maxLag,
    p99: r.latency?.overall?.p99,
    failed: r.checks
      .filter((c) => !c.pass)
      .map((c) => c.name)
      .join('; '),
    faults: r.faults.map((f) => `${f.kind}→${f.target ?? '?'}`).join('; '),
  });
}
const num = (v, digits = 1) => (v === undefined || Number.isNaN(v) ? '-' : typeof v === 'number' ? v.toFixed(digits) : String(v));
console.log('\nexperiment                      verdict  wall s   acked  indet  lost  dup  reord  recov s  outage s  lag back s  max lag  p99 ms  faults');
for (const x of rows) {
  console.log(
    `${x.name.padEnd(31)} ${String(x.verdict).padEnd(8)} ${x.seconds.toFixed(0).padStart(6)} ${String(x.acked ?? '-').padStart(7)} ${String(x.indeterminate ?? '-').padStart(6)} ${String(x.lost ?? '-').padStart(5)} ${String(x.duplicated ?? '-').padStart(4)} ${String(x.reordered ?? '-').padStart(6)} ${num(x.recovery, 2).padStart(8)} ${num(x.outage, 2).padStart(9)} ${num(x.lagBack, 1).padStart(11)} ${num(x.maxLag, 0).padStart(8)} ${num(x.p99, 0).padStart(7)}  ${x.faults ?? ''}${x.failed ? `  FAILED: ${x.failed}` : ''}`,
  );
}
console.log(`results under ${root}`);
process.exit(rows.every((x) => x.verdict === 'pass') ? 0 : 1);
