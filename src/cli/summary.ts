import { join, relative } from 'node:path';
import { describeEffect } from '../check/fault-effects.js';
import type { RunResult } from '../check/result.js';
import { printable } from '../util/printable.js';
import { c } from './output.js';
import { clientFallbackText } from '../history/plan.js';

/** Text of the run (names from the experiment file, messages that quote them) as it may be printed. */
const p = (text: string | number): string => printable(String(text), 1000);

/**
 * The verdict as a CI log shows it well: one line per check (✓ held, ✗ failed, ? not judged:
 * the evidence was not enough, ! failed but not blocking), the faults with what they did and how fast the service recovered, samples of
 * any violating ids, and where the report is. Plain text when not on a terminal or NO_COLOR.
 * Every text of the run is printed through `p` (printable), before any colour is added.
 */
export function printSummary(r: RunResult, outDir: string): void {
  const out: string[] = [''];
  const held = r.checks.filter((x) => x.pass).length;
  const word = r.verdict === 'pass' ? c.green.bold('PASS') : r.verdict === 'unknown' ? c.yellow.bold('UNKNOWN') : c.red.bold('FAIL');
  const unjudged = r.checks.filter((x) => x.unknown === true && x.blocking !== false).length;
  out.push(`${word} ${p(r.name)} (seed ${r.seed}): ${held} of ${r.checks.length} checks held${unjudged === 0 ? '' : `, ${unjudged} not judged`}`);
  if (r.unfinished !== undefined) out.push(c.yellow(`  the run did not finish: ${p(r.unfinished.reason)}`));
  if (r.plan.dryRun === true) out.push(c.yellow(`  DRY RUN: no fault was injected (${r.plan.timeline.length} planned); the workload and every check ran`));
  if (r.plan.clientFallback !== undefined) out.push(c.yellow(`  ! ${printable(clientFallbackText(r.plan.clientFallback), 600)}`));
  for (const check of r.checks) {
    const mark = check.pass ? c.green('✓') : check.blocking === false ? c.yellow('!') : check.unknown === true ? c.yellow('?') : c.red('✗');
    const vs =
      check.pass || check.unknown === true || check.observed === undefined
        ? ''
        : ` [observed ${p(check.observed)}${check.threshold === undefined ? '' : `, threshold ${p(check.threshold)}`}]`;
    out.push(`  ${mark} ${p(check.name)}: ${p(check.message)}${vs}${!check.pass && check.blocking === false ? c.yellow(' (warning: not blocking)') : ''}`);
  }
  for (const f of r.faults) {
    const when =
      f.injectedAt === undefined
        ? 'not injected'
        : f.notHealed !== undefined
          ? `injected, never healed (${p(f.notHealed)})`
          : f.healedAt === undefined
            ? 'injected'
            : 'injected and healed';
    const rec = f.recovery;
    const recovery =
      rec === undefined || f.injectedAt === undefined || rec.notHealed === true
        ? ''
        : rec.recoverySeconds === undefined
          ? '; throughput did not recover before load stopped'
          : !rec.impacted
            ? '; throughput held'
            : `; recovered ${rec.recoverySeconds.toFixed(2)} s after the injection${rec.recoveredAfterHealSeconds === undefined || rec.healedAt === undefined ? '' : `, ${rec.recoveredAfterHealSeconds.toFixed(2)} s after the heal`}`;
    out.push(
      c.dim(
        `  · ${p(f.kind)} on ${p(f.target ?? '?')}: ${when}${f.delayedMs === undefined ? '' : ` ${(f.delayedMs / 1000).toFixed(1)} s late (an earlier fault was still healing)`}${f.error ? ` (${p(f.error)})` : ''}${f.effect === undefined ? '' : `; ${p(describeEffect(f.effect))}`}${recovery}`,
      ),
    );
  }
  const l = r.latency.overall;
  if (l !== undefined)
    out.push(c.dim(`  · end-to-end latency p50 ${Math.round(l.p50)} ms, p99 ${Math.round(l.p99)} ms, max ${Math.round(l.max)} ms over ${l.count} records`));
  const samples = Object.entries(r.exactlyOnce.samples).filter(([, ids]) => ids.length > 0);
  for (const [anomaly, ids] of samples)
    out.push(
      c.red(
        `  ${p(anomaly)}: ${ids
          .slice(0, 5)
          .map((x) => p(typeof x === 'string' ? x : JSON.stringify(x)))
          .join(', ')}${ids.length > 5 ? ', …' : ''}`,
      ),
    );
  const where = (file: string): string => p(relative(process.cwd(), join(outDir, file)) || join(outDir, file));
  out.push(`report: ${where('report.html')}`);
  out.push(`junit: ${where('junit.xml')}  results: ${where('result.json')}`);
  out.push(`reproduce: ${p(r.command)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
