import type { LatencySummary, Percentiles } from '../../check/measurements.js';
import type { Slos } from '../../history/slos.js';
import { html, type Markup } from '../escape.js';
import { formatCount, formatMs } from '../format.js';
import { num, row, section, table } from '../html-kit.js';

const PHASES: [keyof Omit<LatencySummary, 'unseen'>, string][] = [
  ['overall', 'overall'],
  ['steady', 'steady (no fault active or recovering)'],
  ['fault', 'during a fault'],
  ['recovery', 'recovering after a heal'],
];

/** End-to-end latency percentiles overall and per phase, the SLO limits, and the records never seen. */
export function latencySection(summary: LatencySummary, slos: Slos): Markup {
  const rows = PHASES.map(([key, label]) => phaseRow(label, summary[key], key === 'overall' ? slos : undefined));
  const limits = [
    slos.p50LatencyMs === undefined ? undefined : `p50 ≤ ${formatMs(slos.p50LatencyMs)} ms`,
    slos.p99LatencyMs === undefined ? undefined : `p99 ≤ ${formatMs(slos.p99LatencyMs)} ms`,
    slos.maxLatencyMs === undefined ? undefined : `max ≤ ${formatMs(slos.maxLatencyMs)} ms`,
  ].filter((x): x is string => x !== undefined);
  return section(
    'latency',
    'End-to-end latency',
    html`${table(['records sent', { content: 'count', class: 'num' }, { content: 'p50 (ms)', class: 'num' }, { content: 'p95 (ms)', class: 'num' }, { content: 'p99 (ms)', class: 'num' }, { content: 'max (ms)', class: 'num' }], rows, { class: 'latency' })}
<p class="note">${limits.length === 0 ? 'No latency SLO.' : `SLO over the whole run: ${limits.join(', ')}.`} Unseen: <b>${formatCount(summary.unseen)}</b> (acknowledged records never seen committed in the output: they have no latency).</p>`,
  );
}

function phaseRow(label: string, p: Percentiles | undefined, slos: Slos | undefined): Markup {
  const over = (value: number | undefined, limit: number | undefined) => (value !== undefined && limit !== undefined && value > limit ? 'over' : undefined);
  return row([
    label,
    num(formatCount(p?.count)),
    num(formatMs(p?.p50), over(p?.p50, slos?.p50LatencyMs)),
    num(formatMs(p?.p95)),
    num(formatMs(p?.p99), over(p?.p99, slos?.p99LatencyMs)),
    num(formatMs(p?.max), over(p?.max, slos?.maxLatencyMs)),
  ]);
}
