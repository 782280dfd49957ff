import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describeEffect } from '../../check/fault-effects.js';
import { runExperiment } from '../../experiment/runner.js';
import type { RunResult } from '../../experiment/result.js';
import { ensureTools } from '../../provision/setup.js';
import { ProcessRuntime } from '../../runtime/process.js';
import { loadExperiment } from '../../spec/load-experiment.js';
import { c, terminalProgress } from '../output.js';
import { checkSeed } from '../seed.js';

export interface RunArgs {
  file: string;
  seed?: number;
  out?: string;
  json: boolean;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function timestamp(d = new Date()): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** `streamchaos run`: one experiment end to end. Exit 0 when every check held, 1 when one failed. */
export async function run(args: RunArgs): Promise<number> {
  checkSeed(args.seed);
  const spec = await loadExperiment(args.file);
  const seed = args.seed ?? spec.seed;
  const outDir = args.out ?? join('reports', `${timestamp()}-${spec.name}`);
  mkdirSync(outDir, { recursive: true });
  const harnessLog = join(outDir, 'harness.log');
  const progress = terminalProgress();
  const tools = await ensureTools(spec.environment.kafka.version, progress);
  const result = await runExperiment(spec, {
    outDir,
    seed,
    runtime: new ProcessRuntime(),
    tools,
    progress,
    command: `streamchaos run ${args.file} --seed ${seed}`,
    version: version(),
    log: (line) => appendFileSync(harnessLog, `${new Date().toISOString()} ${line}\n`),
  });
  if (args.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else printSummary(result, outDir);
  return result.verdict === 'pass' ? 0 : 1;
}

function printSummary(r: RunResult, outDir: string): void {
  const out: string[] = [];
  out.push('');
  out.push(`${r.verdict === 'pass' ? c.green.bold('PASS') : c.red.bold('FAIL')} ${r.name} (seed ${r.seed})`);
  for (const check of r.checks) out.push(`  ${check.pass ? c.green('✓') : c.red('✗')} ${check.name}: ${check.message}`);
  for (const f of r.faults) {
    const when = f.injectedAt === undefined ? 'not injected' : `${f.healedAt === undefined ? 'injected' : 'injected and healed'}`;
    out.push(c.dim(`  · ${f.kind} on ${f.target ?? '?'}: ${when}${f.error ? ` (${f.error})` : ''}${f.effect === undefined ? '' : `; ${describeEffect(f.effect)}`}`));
  }
  const eo = r.exactlyOnce;
  const samples = Object.entries(eo.samples).filter(([, ids]) => ids.length > 0);
  for (const [anomaly, ids] of samples) out.push(c.red(`  ${anomaly}: ${ids.slice(0, 5).map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ')}${ids.length > 5 ? ', …' : ''}`));
  out.push(`results: ${relative(process.cwd(), join(outDir, 'result.json')) || join(outDir, 'result.json')}`);
  out.push(`reproduce: ${r.command}`);
  process.stdout.write(out.join('\n') + '\n');
}
