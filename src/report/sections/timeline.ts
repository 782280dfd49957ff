import type { Measurements } from '../../check/measurements.js';
import { html, type Markup } from '../escape.js';
import { formatOffset, NONE } from '../format.js';
import { section, table } from '../html-kit.js';

const FAULT_KINDS = new Set(['fault-start', 'fault-heal', 'fault-error']);

/** Every event of the run on one clock: phases, load start and stop, faults and heals, nodes down and up, notes. */
export function timelineSection(m: Measurements, origin: number): Markup {
  const events = [...m.events].sort((a, b) => a.time - b.time);
  const rows = events.map(
    (e) =>
      html`<tr class="event${FAULT_KINDS.has(e.kind) ? ' fault-event' : ''}" data-kind="${e.kind}"><td class="num">${formatOffset(e.time, origin)}</td><td class="nowrap">${e.kind}</td><td class="wrap">${e.name}</td><td class="wrap target">${e.target ?? NONE}</td></tr>\n`,
  );
  const body =
    rows.length === 0
      ? html`<p class="note">No events were recorded.</p>`
      : table([{ content: 'time (s)', class: 'num' }, 'kind', 'name', 'target'], rows, { class: 'timeline' });
  return section('timeline', 'Event timeline', html`<p class="note">Seconds from load start; negative before the load started.</p>${body}`);
}
