import { html, type Markup } from './escape.js';
import { coord as r, type Scale } from './chart-scale.js';
import { formatSeconds } from './format.js';

/** A fault as drawn on a chart, in seconds from load start. */
export interface FaultMark {
  index: number;
  name: string;
  from: number;
  /** End of the window; undefined for an instant fault (drawn as a thin line). */
  to?: number;
  /** When the service had recovered from it. */
  recoveredAt?: number;
}

export interface FaultLane {
  /** Height of the label rows above the plot. */
  height: number;
  /** The shaded windows (and lines of instant faults), from the top of the lane to the bottom of the plot. */
  bands: (plotBottom: number) => Markup;
  /** The recovery markers over the plot. */
  markers: (plotTop: number, plotBottom: number) => Markup;
  labels: Markup;
}

interface Label {
  fault: FaultMark;
  x: number;
  row: number;
  width: number;
  /** The width this label keeps when a later label in its row shortens it. */
  keep: number;
}

const ROW = 16;
const MAX_ROWS = 3;
const CHAR = 7.3; // 12px bold system sans-serif, generously
const MAX_LABEL = 340;
const MIN_LABEL = 140;
const GAP = 12;

/**
 * Lays out the fault windows of a chart: a lane of label rows above the plot where each
 * fault's name starts at its window (a label moves to the next row rather than overlap
 * another, and is shortened with "…" when there are more overlapping faults than rows).
 */
export function faultLane(faults: readonly FaultMark[], sx: Scale, box: { left: number; right: number; top: number }): FaultLane {
  const x = (s: number) => Math.min(box.right, Math.max(box.left, sx(s)));
  const labels = placeLabels(faults, x, box);
  const rows = labels.reduce((n, l) => Math.max(n, l.row + 1), 0);
  const height = rows === 0 ? 0 : rows * ROW + 6;
  return {
    height,
    // each window starts at the row of its label, so a line never crosses a label above it
    bands: (plotBottom) => html`<g class="faults">${labels.map((l) => band(l.fault, x, box.top + l.row * ROW, plotBottom))}</g>`,
    markers: (plotTop, plotBottom) =>
      html`<g class="recoveries">${faults.map((f) => (f.recoveredAt === undefined ? '' : marker(f, x(f.recoveredAt), plotTop, plotBottom)))}</g>`,
    labels: html`<g class="fault-labels">${labels.map((l) => label(l, box.top))}</g>`,
  };
}

function placeLabels(faults: readonly FaultMark[], x: (s: number) => number, box: { left: number; right: number }): Label[] {
  const rows: Label[] = [];
  const placed: Label[] = [];
  for (const fault of [...faults].sort((a, b) => a.from - b.from)) {
    // start at the window; near the right edge, shorten the label, or move it left when too little is left
    const full = Math.min(fault.name.length * CHAR + 8, MAX_LABEL, box.right - box.left);
    const at = x(fault.from) + 3;
    const start = box.right - at >= Math.min(full, MIN_LABEL) ? at : Math.max(box.left, box.right - Math.min(full, MIN_LABEL));
    const l: Label = {
      fault,
      x: start,
      row: 0,
      width: Math.min(full, box.right - start),
      keep: Math.min(full, Math.max(MIN_LABEL, x(fault.to ?? fault.from) - at)),
    };
    l.row = chooseRow(rows, start);
    const previous = rows[l.row];
    if (previous !== undefined) previous.width = Math.min(previous.width, Math.max(0, start - previous.x - GAP));
    rows[l.row] = l;
    placed.push(l);
  }
  return placed;
}

/**
 * The first row where the label starting at `start` fits, shortening the label before it to no
 * less than what that label keeps (its window, or MIN_LABEL); when none does, a new row, and
 * past MAX_ROWS the row whose last label ends first (which is then shortened further).
 */
function chooseRow(rows: readonly Label[], start: number): number {
  const fits = rows.findIndex((last) => start - last.x - GAP >= Math.min(last.width, last.keep));
  if (fits >= 0) return fits;
  if (rows.length < MAX_ROWS) return rows.length;
  return rows.reduce((best, last, i) => (last.x + last.width < (rows[best]?.x ?? Infinity) + (rows[best]?.width ?? 0) ? i : best), 0);
}

function band(f: FaultMark, x: (s: number) => number, top: number, bottom: number): Markup {
  const title = html`<title>${f.name}: ${formatSeconds(f.from)} s${f.to === undefined ? '' : ` to ${formatSeconds(f.to)} s`}</title>`;
  const x0 = x(f.from);
  if (f.to === undefined) return html`<line class="fault-instant" x1="${r(x0)}" x2="${r(x0)}" y1="${r(top)}" y2="${r(bottom)}">${title}</line>`;
  const width = Math.max(2, x(f.to) - x0);
  return html`<rect class="fault-band" x="${r(x0)}" y="${r(top)}" width="${r(width)}" height="${r(bottom - top)}">${title}</rect>`;
}

function marker(f: FaultMark, x: number, top: number, bottom: number): Markup {
  return html`<g class="recovered-marker"><title>${f.name}: recovered at ${formatSeconds(f.recoveredAt)} s</title><line class="recovered-line" x1="${r(x)}" x2="${r(x)}" y1="${r(top)}" y2="${r(bottom)}"/><path class="recovered" d="M${r(x - 5)} ${r(top)} L${r(x + 5)} ${r(top)} L${r(x)} ${r(top + 8)} Z"/></g>`;
}

function label(l: Label, top: number): Markup {
  const chars = Math.floor((l.width - 6) / CHAR);
  const name = l.fault.name;
  const text = name.length <= chars ? name : chars >= 3 ? `${name.slice(0, chars - 1)}…` : '';
  return html`<text class="fault-label" x="${r(l.x)}" y="${r(top + l.row * ROW + 12)}"><title>${name}</title>${text}</text>`;
}
