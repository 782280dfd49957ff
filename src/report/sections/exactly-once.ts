import type { ExactlyOnceResult, Reorder } from '../../check/exactly-once/checker.js';
import type { RunResult } from '../../check/result.js';
import { html, type Markup } from '../escape.js';
import { formatCount } from '../format.js';
import { num, row, section, table } from '../html-kit.js';

type Counter = keyof Omit<ExactlyOnceResult, 'pass' | 'unknown' | 'samples'>;

/** Each counter: its label, what it means, and whether a non-zero count is a violation. */
const COUNTERS: [Counter, string, string, 'violation' | 'order' | 'info'][] = [
  ['sent', 'sent', 'records sent to the input topic (an id sent twice counts twice)', 'info'],
  ['acked', 'acked', 'in sends the broker confirmed', 'info'],
  ['failed', 'failed', 'in sends that definitely did not happen', 'info'],
  ['indeterminate', 'indeterminate', 'in sends whose outcome is unknown (timeout, crash)', 'info'],
  ['read', 'read', 'records read back from the output with read_committed, re-reads included', 'info'],
  ['lost', 'lost', 'acked ids absent from the output', 'violation'],
  ['duplicated', 'duplicated', 'ids present more than once in the output', 'violation'],
  ['extraCopies', 'extra copies', 'copies beyond the first, over all duplicated ids', 'violation'],
  ['reordered', 'reordered', 'ids that appear after a later-sent id of the same producer and key', 'order'],
  ['corrupted', 'corrupted', 'ids with a copy whose checksum differs from the one sent', 'violation'],
  ['failedButPresent', 'failed but present', 'ids of a failed send found in the output (aborted read)', 'violation'],
  ['unexpected', 'unexpected', 'output records with no id or an id never sent', 'violation'],
  ['indeterminatePresent', 'indeterminate present', 'indeterminate ids present exactly once: fine', 'info'],
  ['indeterminateAbsent', 'indeterminate absent', 'indeterminate ids absent: fine', 'info'],
];

const SAMPLES: [keyof ExactlyOnceResult['samples'], string][] = [
  ['lost', 'lost'],
  ['duplicated', 'duplicated'],
  ['reordered', 'reordered'],
  ['corrupted', 'corrupted'],
  ['failedButPresent', 'failed but present'],
  ['unexpected', 'unexpected'],
];

/** Exactly-once from input to output: whether loss could be ruled out, every counter, samples of every anomaly, per producer. */
export function exactlyOnceSection(result: RunResult): Markup {
  const eo = result.exactlyOnce;
  const ordered = result.plan.slos.orderedPerKey;
  const rows = COUNTERS.map(([key, label, meaning, kind]) => {
    const bad = eo[key] > 0 && (kind === 'violation' || (kind === 'order' && ordered));
    return row(
      [{ content: label, class: 'nowrap' }, num(formatCount(eo[key]), bad ? 'over' : undefined), { content: meaning, class: 'wrap' }],
      bad ? 'violation' : undefined,
    );
  });
  return section(
    'exactly-once',
    'Exactly-once',
    html`${verdictLine(eo, result.plan.slos.exactlyOnce)}
<div class="columns">
${table(['', { content: 'records', class: 'num' }, 'meaning'], rows, { class: 'exactly-once' })}
<div>${samples(eo)}${producers(result)}</div>
</div>`,
  );
}

function verdictLine(eo: ExactlyOnceResult, promised: boolean): Markup {
  if (eo.unknown !== undefined) {
    return html`<p class="alert">Loss could not be ruled out: ${eo.unknown}. The counters below are as far as the checker got.</p>`;
  }
  const held = eo.pass ? 'held: every acknowledged record is in the output exactly once, intact.' : 'violated: see the anomalies below.';
  return html`<p class="${eo.pass ? 'ok' : 'alert'}">Exactly-once ${held}${promised ? '' : ' (not promised by this experiment: reported only)'}</p>`;
}

function samples(eo: ExactlyOnceResult): Markup {
  const lists = SAMPLES.filter(([key]) => eo.samples[key].length > 0).map(
    ([key, label]) =>
      html`<h3>${label}: sample ids</h3><ul class="ids">${eo.samples[key].map((s) => html`<li>${typeof s === 'string' ? html`<code>${s}</code>` : reorder(s)}</li>`)}</ul>`,
  );
  return lists.length === 0 ? html`<p class="note">No anomaly: no sample ids to show.</p>` : html`${lists}`;
}

function reorder(r: Reorder): Markup {
  return html`<code>${r.id}</code> came after <code>${r.after}</code>, sent later (key <code>${r.key}</code>)`;
}

function producers(result: RunResult): Markup {
  if (result.producers.length === 0) return html``;
  const rows = result.producers.map((p) =>
    row([
      { content: p.name, class: 'name' },
      num(formatCount(p.sent)),
      num(formatCount(p.acked)),
      num(formatCount(p.failed)),
      num(formatCount(p.indeterminate)),
    ]),
  );
  return html`<h3>Per producer</h3>${table(['producer', { content: 'sent', class: 'num' }, { content: 'acked', class: 'num' }, { content: 'failed', class: 'num' }, { content: 'indeterminate', class: 'num' }], rows)}`;
}
