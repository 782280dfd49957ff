/** Axes for the report's charts: nice linear and log-10 domains, their ticks, and the mapping to pixels. */

export interface Axis {
  kind: 'linear' | 'log';
  from: number;
  to: number;
  format: (value: number) => string;
  /** About how many ticks a linear axis should have (default 6). */
  targetTicks?: number;
}

/** Maps a value of the axis to a pixel coordinate. */
export type Scale = (value: number) => number;

export interface Tick {
  value: number;
  label: string;
}

/** The linear or log mapping of `[axis.from, axis.to]` onto `[start, end]` pixels; a degenerate domain maps to `start`. */
export function scaleFor(axis: Pick<Axis, 'kind' | 'from' | 'to'>, start: number, end: number): Scale {
  const t = axis.kind === 'log' ? (v: number) => Math.log10(Math.max(v, axis.from)) : (v: number) => v;
  const a = t(axis.from);
  const span = t(axis.to) - a;
  if (!Number.isFinite(span) || span <= 0) return () => start;
  return (v) => start + ((t(v) - a) / span) * (end - start);
}

/** Ticks of an axis: powers of ten on a log axis, round steps (1, 2, 5 × 10ⁿ) on a linear one. */
export function axisTicks(axis: Axis): Tick[] {
  if (axis.kind === 'log') {
    const ticks: Tick[] = [];
    for (let e = Math.round(Math.log10(axis.from)); e <= Math.round(Math.log10(axis.to)) && ticks.length < 12; e++) {
      ticks.push({ value: 10 ** e, label: axis.format(10 ** e) });
    }
    return ticks;
  }
  const step = niceStep(axis.to - axis.from, axis.targetTicks ?? 6);
  const ticks: Tick[] = [];
  for (let i = Math.ceil(axis.from / step); i * step <= axis.to + step * 1e-9 && ticks.length < 50; i++) {
    const value = round(i * step, step);
    ticks.push({ value, label: axis.format(value) });
  }
  return ticks;
}

/** A linear axis from 0 (or below, for negative values) to a round value above the largest, with some headroom. */
export function linearAxis(values: readonly number[], format: (v: number) => string, options: { integer?: boolean } = {}): Axis {
  const e = extent(values);
  const max = Math.max(0, e?.max ?? 0);
  const min = Math.min(0, e?.min ?? 0);
  if (max - min <= 0) return { kind: 'linear', from: 0, to: options.integer ? 4 : 10, format };
  let step = niceStep((max - min) * 1.08, 5);
  if (options.integer) step = Math.max(1, Math.round(step));
  return { kind: 'linear', from: Math.floor(min / step) * step, to: Math.ceil((max * 1.08) / step) * step, format };
}

/** A log-10 axis from the power of ten at or below the smallest value (at least `floor`) to the one above the largest. */
export function logAxis(values: readonly number[], format: (v: number) => string, floor: number): Axis {
  const e = extent(values);
  if (e === undefined) return { kind: 'log', from: floor, to: floor * 1000, format };
  const lo = 10 ** Math.floor(Math.log10(Math.max(e.min, floor)));
  let hi = 10 ** Math.ceil(Math.log10(Math.max(e.max, floor)));
  if (hi <= lo) hi = lo * 10;
  return { kind: 'log', from: lo, to: hi, format };
}

/** A time domain in seconds covering every value, at least one second wide. */
export function timeDomain(values: readonly number[]): { from: number; to: number } {
  const e = extent(values);
  const from = Math.min(0, e?.min ?? 0);
  const to = Math.max(from + 1, e?.max ?? 0);
  return { from: Math.floor(from), to: Math.ceil(to) };
}

function niceStep(span: number, target: number): number {
  if (!Number.isFinite(span) || span <= 0) return 1;
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

function round(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number(value.toFixed(decimals));
}

/** A coordinate for SVG: one decimal, and never NaN or Infinity (0 instead). */
export function coord(v: number): string {
  return Number.isFinite(v) ? String(Math.round(v * 10) / 10) : '0';
}

/** Approximate width of text in the system sans-serif: enough to lay labels out without a DOM. */
export function textWidth(text: string, fontSize = 12): number {
  return text.length * fontSize * 0.56;
}

/** Smallest and largest of the values (without spreading them onto the stack), or undefined when there are none. */
function extent(values: readonly number[]): { min: number; max: number } | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : undefined;
}
