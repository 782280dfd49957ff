import { describeEffect } from '../../check/fault-effects.js';
import type { FaultRecovery, Measurements } from '../../check/measurements.js';
import type { FaultOutcomeSummary, RunResult } from '../../check/result.js';
import { html, type Markup } from '../escape.js';
import { formatCount, formatOffset, formatPercent, formatSeconds, NONE } from '../format.js';
import { num, row, section, table } from '../html-kit.js';

interface FaultRow {
  index: number;
  summary?: FaultOutcomeSummary;
  recovery?: FaultRecovery;
}

const HEAD = [
  '#',
  'fault',
  'kind',
  'target',
  'window (s)',
  { content: 'failover (s)', class: 'num' },
  { content: 'recovered after heal (s)', class: 'num' },
  { content: 'outage (s)', class: 'num' },
  { content: 'lowest throughput', class: 'num' },
  { content: 'ISR full after heal (s)', class: 'num' },
  { content: 'lag recovered after heal (s)', class: 'num' },
  { content: 'max lag', class: 'num' },
];

/** Faults and recovery: one row per fault, from the result's outcomes joined with the measured recovery. */
export function faultsSection(result: RunResult, m: Measurements, origin: number): Markup {
  const rows = joinFaults(result, m).map((f) => faultRow(f, result, origin));
  const body = rows.length === 0 ? html`<p class="note">This experiment injected no fault.</p>` : table(HEAD, rows, { class: 'faults' });
  const r = result.plan.slos.recovery;
  return section(
    'faults',
    'Faults and recovery',
    html`${body}<p class="note">Times in seconds from load start. Recovered: throughput ≥ ${formatPercent(r.throughputRatio)} of the baseline for ${formatSeconds(r.holdSeconds)} s with no failed send (see Definitions).</p>`,
  );
}

function joinFaults(result: RunResult, m: Measurements): FaultRow[] {
  const byIndex = new Map<number, FaultRow>();
  const get = (index: number): FaultRow => {
    const found = byIndex.get(index);
    if (found !== undefined) return found;
    const created: FaultRow = { index };
    byIndex.set(index, created);
    return created;
  };
  for (const s of result.faults) get(s.index).summary = s;
  for (const rec of m.faults) get(rec.index).recovery = rec;
  for (const f of byIndex.values()) f.recovery ??= f.summary?.recovery;
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

function faultRow(f: FaultRow, result: RunResult, origin: number): Markup {
  const s = f.summary;
  const r = f.recovery;
  const planned = result.plan.timeline.find((p) => p.index === f.index);
  const target = s?.target ?? r?.target ?? planned?.target;
  const cells = [
    num(String(f.index + 1)),
    { content: s?.name ?? r?.name ?? NONE, class: 'name' },
    { content: s?.kind ?? r?.kind ?? NONE, class: 'nowrap' },
    { content: target === undefined ? NONE : shortTarget(target), class: 'wrap target' },
    { content: windowText(s?.injectedAt ?? r?.injectedAt, s?.healedAt ?? r?.healedAt, planned?.healAtMs !== undefined, origin), class: 'nowrap' },
    num(formatSeconds(r?.failoverSeconds)),
    num(formatSeconds(r?.recoveredAfterHealSeconds)),
    num(outageText(r)),
    num(formatPercent(r?.minThroughputRatio)),
    num(formatSeconds(r?.isrFullAfterHealSeconds ?? s?.effect?.isrRestoredAfterHealSeconds)),
    num(formatSeconds(r?.lagRecoveredAfterHealSeconds)),
    num(formatCount(r?.maxLag)),
  ];
  return html`${row(cells, s?.error === undefined ? 'fault' : 'fault error')}${detailRow(s, target)}`;
}

/** Under each fault, across the table: what it did, its full target when the column shows it shortened, its error. */
function detailRow(s: FaultOutcomeSummary | undefined, target: string | undefined): Markup {
  const effect = s?.effect === undefined ? 'not measured' : describeEffect(s.effect);
  const fullTarget = target !== undefined && shortTarget(target) !== target ? html`<div><span class="label">target:</span> ${target}</div>` : '';
  const error = html`${s?.delayedMs === undefined ? '' : html`<div>began ${(s.delayedMs / 1000).toFixed(1)} s late: an earlier fault was still healing</div>`}${
    s?.notHealed === undefined ? '' : html`<div class="error">never healed: ${s.notHealed}</div>`
  }${s?.error === undefined ? '' : html`<div class="error">error: ${s.error}</div>`}`;
  return html`<tr class="fault-detail"><td></td><td colspan="${HEAD.length - 1}"><div class="detail"><div><span class="label">effect:</span> ${effect}</div>${fullTarget}${error}</div></td></tr>\n`;
}

/** `broker-2 (all links: client-to-broker-2, …)` → `broker-2`: the node, without the list of links. */
function shortTarget(target: string): string {
  const cut = target.indexOf(' (');
  return cut > 0 ? target.slice(0, cut) : target;
}

function windowText(injectedAt: number | undefined, healedAt: number | undefined, meantToHeal: boolean, origin: number): string {
  if (injectedAt === undefined) return 'not injected';
  const end = healedAt !== undefined ? formatOffset(healedAt, origin) : meantToHeal ? 'not healed' : 'instant';
  return `${formatOffset(injectedAt, origin)} – ${end}`;
}

function outageText(r: FaultRecovery | undefined): string {
  if (r === undefined) return NONE;
  if (!r.impacted) return 'no impact';
  return r.recoverySeconds === undefined ? 'not recovered' : formatSeconds(r.outageSeconds);
}
