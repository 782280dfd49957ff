import { HISTORY_CHECK } from '../../check/judge.js';
import type { Measurements } from '../../check/measurements.js';
import type { Check, RunResult } from '../../check/result.js';
import { html, type Markup } from '../escape.js';
import { formatCount, formatMs, formatPercent, formatRate, formatSeconds, NONE } from '../format.js';
import { clientFallbackText } from '../../history/plan.js';

/** How a check came out: a failed check that does not block the run is a warning; one that could not be judged is unknown. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'unknown';

/** `pass`, `fail`, `unknown` (the evidence was not enough), or `warn` for a check with `blocking === false` that did not hold. */
export function checkStatus(check: Check): CheckStatus {
  if (check.pass) return 'pass';
  if (check.blocking === false) return 'warn';
  return check.unknown === true ? 'unknown' : 'fail';
}

/** "10 of 13 checks held · 2 failed · 1 warning". */
function checkCount(checks: readonly Check[]): string {
  const statuses = checks.map(checkStatus);
  const count = (s: CheckStatus) => statuses.filter((x) => x === s).length;
  const parts = [`${count('pass')} of ${checks.length} check${checks.length === 1 ? '' : 's'} held`];
  if (count('fail') > 0) parts.push(`${count('fail')} failed`);
  if (count('unknown') > 0) parts.push(`${count('unknown')} not judged`);
  if (count('warn') > 0) parts.push(`${count('warn')} warning${count('warn') === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/** The banner at the top: PASS, FAIL or UNKNOWN, what ran, when, with which seed, and the key figures. */
export function verdictBanner(result: RunResult, m: Measurements): Markup {
  const verdict = result.verdict === 'pass' || result.verdict === 'unknown' ? result.verdict : 'fail';
  const description = result.plan.description;
  return html`<header id="verdict" class="verdict ${verdict}" data-verdict="${verdict}">
<div class="verdict-word">${verdict.toUpperCase()}</div>
<div class="verdict-text">
<h1>${result.name}</h1>
${description === undefined || description === '' ? '' : html`<p class="description">${description}</p>`}
<p class="verdict-count">${checkCount(result.checks)}</p>
${result.unfinished === undefined ? '' : html`<p class="verdict-meta unfinished"><b>The run did not finish</b>: ${result.unfinished.reason}.</p>`}
${damageNote(result)}
${result.plan.clientFallback === undefined ? '' : html`<p class="verdict-meta client-fallback"><b>Kafka client</b>: ${clientFallbackText(result.plan.clientFallback)}.</p>`}
${result.plan.dryRun === true ? html`<p class="verdict-meta dry-run"><b>DRY RUN</b>: the workload and every check ran; none of the ${String(result.plan.timeline.length)} planned faults was injected.</p>` : ''}
<p class="verdict-meta">seed <b>${String(result.seed)}</b> · started ${formatDate(result.startedAt)} · ${formatSeconds(result.plan.durationMs / 1000)} s planned · environment ${result.plan.environment.name}</p>
</div>
</header>
${keyFigures(result, m)}`;
}

/** A damaged history (lines skipped as unreadable) says so at the top: its verdict is never a pass. */
function damageNote(result: RunResult): Markup | '' {
  const damage = result.checks.find((c) => c.name === HISTORY_CHECK && c.category === undefined);
  if (damage === undefined) return '';
  const count = typeof damage.observed === 'number' ? damage.observed : undefined;
  return html`<p class="verdict-meta unfinished"><b>The history is damaged</b>: ${count === undefined ? 'lines were' : `${String(count)} line${count === 1 ? ' was' : 's were'}`} skipped as unreadable (see <a href="#damage">Damaged history</a>), so no check passes.</p>`;
}

function keyFigures(result: RunResult, m: Measurements): Markup {
  const eo = result.exactlyOnce;
  const violations = eo.lost + eo.duplicated + eo.corrupted + eo.failedButPresent + eo.unexpected;
  const outages = m.faults.map((f) => f.outageSeconds).filter((v): v is number => v !== undefined);
  const neverRecovered = m.faults.filter((f) => f.impacted && f.recoverySeconds === undefined).length;
  const figures: [string, string, boolean][] = [
    ['exactly-once', eo.unknown !== undefined ? 'unknown' : violations === 0 ? 'held' : `${formatCount(violations)} violations`, !eo.pass],
    ['baseline', m.baseline === undefined ? NONE : `${formatRate(m.baseline.recordsPerSecond)}/s`, false],
    ['acked / offered', formatPercent(m.throughputRatio ?? result.throughput.ratio), false],
    [
      'longest outage',
      neverRecovered > 0 ? 'not recovered' : outages.length === 0 ? NONE : `${formatSeconds(outages.reduce((a, b) => Math.max(a, b)))} s`,
      neverRecovered > 0,
    ],
    ['p99 latency', `${formatMs(m.latencySummary.overall?.p99)} ms`, false],
    ['max lag', formatCount(m.maxLag ?? result.maxLag), false],
  ];
  return html`<ul class="figures">${figures.map(([label, value, bad]) => html`<li${bad ? html` class="bad"` : ''}><span class="figure-value">${value}</span><span class="figure-label">${label}</span></li>`)}</ul>`;
}

/** An ISO time as `2026-11-24 19:26:20 UTC`; anything unparseable as it is. */
export function formatDate(iso: string | undefined): string {
  if (iso === undefined) return NONE;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC` : iso;
}
