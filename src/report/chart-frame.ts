import { html, type Markup } from './escape.js';
import { axisTicks, coord, scaleFor, textWidth, type Axis, type Scale } from './chart-scale.js';
import { faultLane, type FaultMark } from './chart-faults.js';

export type { FaultMark } from './chart-faults.js';

/** One point: x in seconds from load start, y in the chart's unit. */
export interface Point {
  x: number;
  y: number;
}

export interface Series {
  label: string;
  colour: string;
  points: readonly Point[];
  dashed?: boolean;
  /** Draw as steps (the value holds until the next sample): for counts of brokers and partitions. */
  step?: boolean;
}

/** A horizontal reference line, such as the baseline or a threshold. */
export interface Rule {
  label: string;
  y: number;
  colour: string;
  dash: string;
}

export interface ChartSpec {
  /** `data-chart` of the svg: throughput, latency, lag or cluster. */
  kind: string;
  title: string;
  yLabel: string;
  series: readonly Series[];
  rules?: readonly Rule[];
  faults: readonly FaultMark[];
  /** Domain of the time axis, seconds from load start. */
  x: { from: number; to: number };
  y: Axis;
  /** Shown in the middle of the plot when no series has a point. */
  empty?: string;
}

const WIDTH = 960;
const LEFT = 80;
const RIGHT = 24;
const PLOT_HEIGHT = 220;
const BOTTOM = 46;
interface LegendItem {
  label: string;
  swatch: Markup;
}

/**
 * Renders a time chart as inline SVG: title, legend, fault windows (shaded, labelled, with
 * recovery markers), axes with tick labels, grid, reference lines and series. Pure; every
 * string is escaped and every number is finite.
 */
export function renderChart(spec: ChartSpec): Markup {
  const series = spec.series.map((s) => ({ ...s, points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)) }));
  const legend = layoutLegend(legendItems(spec, series));
  const laneTop = legend.bottom + 8;
  const sx = scaleFor({ kind: 'linear', from: spec.x.from, to: spec.x.to }, LEFT, WIDTH - RIGHT);
  const lane = faultLane(spec.faults, sx, { left: LEFT, right: WIDTH - RIGHT, top: laneTop });
  const plotTop = laneTop + lane.height;
  const plot = { left: LEFT, right: WIDTH - RIGHT, top: plotTop, bottom: plotTop + PLOT_HEIGHT };
  const sy = scaleFor(spec.y, plot.bottom, plot.top);
  const height = plot.bottom + BOTTOM;
  const hasPoints = series.some((s) => s.points.length > 0);
  return html`<svg class="chart" data-chart="${spec.kind}" viewBox="0 0 ${WIDTH} ${coord(height)}" role="img" aria-label="${spec.title}" preserveAspectRatio="xMidYMid meet">
<title>${spec.title}</title>
<text class="chart-title" x="${LEFT}" y="22">${spec.title}</text>
${legend.markup}
${lane.bands(plot.bottom)}
${grid(spec, sx, sy, plot)}
${(spec.rules ?? []).map((r) => rule(r, sy, plot))}
${hasPoints ? series.map((s) => line(s, sx, sy, plot)) : html`<text class="chart-empty" x="${coord((plot.left + plot.right) / 2)}" y="${coord((plot.top + plot.bottom) / 2)}" text-anchor="middle">${spec.empty ?? 'no samples'}</text>`}
${lane.markers(plot.top, plot.bottom)}
${lane.labels}
<text class="axis-label" x="${coord((plot.left + plot.right) / 2)}" y="${coord(height - 6)}" text-anchor="middle">seconds from load start</text>
<text class="axis-label" transform="translate(16 ${coord((plot.top + plot.bottom) / 2)}) rotate(-90)" text-anchor="middle">${spec.yLabel}</text>
</svg>`;
}

function legendItems(spec: ChartSpec, series: readonly Series[]): LegendItem[] {
  const items: LegendItem[] = series.map((s) => ({
    label: s.label,
    swatch: html`<line x1="0" y1="0" x2="18" y2="0" stroke="${s.colour}" stroke-width="2.5"${s.dashed ? html` stroke-dasharray="5 3"` : ''}/>`,
  }));
  for (const r of spec.rules ?? []) {
    items.push({ label: r.label, swatch: html`<line x1="0" y1="0" x2="18" y2="0" stroke="${r.colour}" stroke-width="2" stroke-dasharray="${r.dash}"/>` });
  }
  if (spec.faults.length > 0) items.push({ label: 'fault window', swatch: html`<rect class="fault-band fault-swatch" x="0" y="-6" width="18" height="12"/>` });
  if (spec.faults.some((f) => f.recoveredAt !== undefined)) {
    items.push({ label: 'recovered', swatch: html`<path class="recovered" d="M4 -5 L14 -5 L9 3 Z"/>` });
  }
  return items;
}

function layoutLegend(items: readonly LegendItem[]): { markup: Markup; bottom: number } {
  const rowHeight = 18;
  let x = LEFT;
  let y = 44;
  const placed: Markup[] = [];
  for (const item of items) {
    const w = 24 + textWidth(item.label) + 18;
    if (x + w > WIDTH - RIGHT && x > LEFT) {
      x = LEFT;
      y += rowHeight;
    }
    placed.push(html`<g class="legend-item" transform="translate(${coord(x)} ${coord(y)})">${item.swatch}<text x="24" y="4">${item.label}</text></g>`);
    x += w;
  }
  return { markup: html`<g class="legend">${placed}</g>`, bottom: items.length === 0 ? y - rowHeight : y + 6 };
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function grid(spec: ChartSpec, sx: Scale, sy: Scale, plot: Box): Markup {
  const yTicks = axisTicks(spec.y).map(
    (t) => html`<line class="grid" x1="${plot.left}" x2="${plot.right}" y1="${coord(sy(t.value))}" y2="${coord(sy(t.value))}"/>
<text class="tick" x="${plot.left - 8}" y="${coord(sy(t.value) + 4)}" text-anchor="end">${t.label}</text>`,
  );
  const xTicks = axisTicks({ kind: 'linear', from: spec.x.from, to: spec.x.to, format: (v) => String(v), targetTicks: 12 }).map(
    (t) => html`<line class="tick-mark" x1="${coord(sx(t.value))}" x2="${coord(sx(t.value))}" y1="${plot.bottom}" y2="${plot.bottom + 5}"/>
<text class="tick" x="${coord(sx(t.value))}" y="${plot.bottom + 19}" text-anchor="middle">${t.label}</text>`,
  );
  return html`<g class="axes">${yTicks}${xTicks}<line class="axis" x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}"/><line class="axis" x1="${plot.left}" x2="${plot.left}" y1="${plot.top}" y2="${plot.bottom}"/></g>`;
}

function rule(r: Rule, sy: Scale, plot: Box): Markup {
  const y = coord(clamp(sy(r.y), plot.top, plot.bottom));
  return html`<line class="rule" x1="${plot.left}" x2="${plot.right}" y1="${y}" y2="${y}" stroke="${r.colour}" stroke-dasharray="${r.dash}"><title>${r.label}</title></line>`;
}

function line(s: Series, sx: Scale, sy: Scale, plot: Box): Markup {
  const pts = [...s.points].sort((a, b) => a.x - b.x).map((p) => ({ x: clamp(sx(p.x), plot.left, plot.right), y: clamp(sy(p.y), plot.top, plot.bottom) }));
  const first = pts[0];
  if (first === undefined) return html``;
  if (pts.length === 1) return html`<circle cx="${coord(first.x)}" cy="${coord(first.y)}" r="3.5" fill="${s.colour}"><title>${s.label}</title></circle>`;
  const d = pts.map((p, i) => {
    if (i === 0) return `M${coord(p.x)} ${coord(p.y)}`;
    return s.step ? `H${coord(p.x)} V${coord(p.y)}` : `L${coord(p.x)} ${coord(p.y)}`;
  });
  return html`<path class="series" d="${d.join(' ')}" stroke="${s.colour}"${s.dashed ? html` stroke-dasharray="5 3"` : ''}><title>${s.label}</title></path>`;
}

function clamp(v: number, a: number, b: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo;
}
