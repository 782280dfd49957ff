/**
 * Number formatting for the report: one precision per unit (seconds to 0.01 s, milliseconds to
 * 1 ms, rates to 0.1 per second, counts whole), and "—" for anything undefined or not finite,
 * so no `NaN`, `Infinity` or `undefined` ever reaches the page.
 */

export const NONE = '—';

const grouped = (digits: number) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const COUNT = grouped(0);
const RATE = grouped(1);
const SECONDS = grouped(2);
const UP_TO_2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

function isNumber(value: number | undefined | null): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Whole count with thousands separators: `12,491`. */
export function formatCount(value: number | undefined | null): string {
  return isNumber(value) ? COUNT.format(value) : NONE;
}

/** Seconds to 0.01: `3.25`. */
export function formatSeconds(value: number | undefined | null): string {
  return isNumber(value) ? SECONDS.format(value) : NONE;
}

/** Milliseconds to 1 ms: `1,204`. */
export function formatMs(value: number | undefined | null): string {
  return isNumber(value) ? COUNT.format(value) : NONE;
}

/** Records per second to 0.1: `199.8`. */
export function formatRate(value: number | undefined | null): string {
  return isNumber(value) ? RATE.format(value) : NONE;
}

/** A share as a percentage to 0.1: `0.8` → `80.0%`. */
export function formatPercent(value: number | undefined | null): string {
  return isNumber(value) ? `${RATE.format(value * 100)}%` : NONE;
}

/** An observed value or threshold of a check: strings as they are, numbers to at most 2 decimals. */
export function formatValue(value: number | string | undefined): string {
  if (typeof value === 'string') return value;
  if (!isNumber(value)) return NONE;
  return UP_TO_2.format(value);
}

/** Seconds between an epoch-millisecond `time` and `origin` (the load start), to 0.01. */
export function formatOffset(time: number | undefined, origin: number): string {
  return isNumber(time) ? formatSeconds((time - origin) / 1000) : NONE;
}

/**
 * The report's time origin (epoch ms): the load start; when the run never got that far, the
 * earliest time anything was recorded (an event, a sample, a fault), else the run's start, else 0.
 */
export function loadOrigin(
  m: {
    loadStart?: number;
    events: readonly { time: number }[];
    throughput: readonly { time: number }[];
    cluster: readonly { time: number }[];
    faults: readonly { injectedAt: number }[];
  },
  run: { startedAt?: string; faults?: readonly { injectedAt?: number }[] } = {},
): number {
  if (m.loadStart !== undefined && Number.isFinite(m.loadStart)) return m.loadStart;
  let first = Infinity;
  for (const list of [m.events, m.throughput, m.cluster]) for (const e of list) if (Number.isFinite(e.time)) first = Math.min(first, e.time);
  for (const f of [...m.faults, ...(run.faults ?? [])]) if (f.injectedAt !== undefined && Number.isFinite(f.injectedAt)) first = Math.min(first, f.injectedAt);
  if (Number.isFinite(first)) return first;
  const started = run.startedAt === undefined ? NaN : Date.parse(run.startedAt);
  return Number.isFinite(started) ? started : 0;
}
