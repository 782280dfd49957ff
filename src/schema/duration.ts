/**
 * Durations as experiment files write them: a number of seconds (`20`, `1.5`) or a string of
 * hours, minutes, seconds and milliseconds in that order (`'250ms'`, `'20s'`, `'2m'`, `'1m30s'`).
 * Inside streamchaos every duration is a whole number of milliseconds.
 */
import { z } from 'zod';
import { printable } from '../util/printable.js';
import { expected } from './fields.js';

/** The longest duration anything in an experiment may last. */
export const MAX_DURATION_MS = 3_600_000;

const UNITS = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
] as const;

const PATTERN = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;

const SYNTAX = "a number of seconds (20) or a string like '250ms', '20s', '2m' or '1m30s'";

/** `90000` → `'1m30s'`, `250` → `'250ms'`, `0` → `'0s'`. The result reads back with `parseDuration`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms}ms`;
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0) out += `${n}${unit}`;
  }
  return out === '' ? '0s' : out;
}

/**
 * A duration as written in a file, in milliseconds, or a message saying what is wrong with it.
 * Checks only the syntax, that it is not negative and that it counts whole milliseconds.
 */
export function parseDuration(value: number | string): number | { problem: string } {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { problem: `expected ${SYNTAX}, received ${value}` };
    ms = value * 1000;
  } else {
    const text = value.trim();
    const match = PATTERN.exec(text);
    if (match === null || text === '') {
      const unitless = /^-?\d+(\.\d+)?$/.test(text) ? `; a string needs a unit, e.g. '${text}s'` : '';
      return { problem: `'${printable(value, 64)}' is not a duration; write ${SYNTAX}${unitless}` };
    }
    ms = UNITS.reduce((sum, [, size], i) => sum + Number(match[i + 1] ?? 0) * size, 0);
  }
  if (ms < 0) return { problem: `a duration cannot be negative, got ${value}` };
  const whole = Math.round(ms);
  if (Math.abs(ms - whole) > 1e-6)
    return { problem: `${typeof value === 'string' ? `'${printable(value, 64)}'` : value} is not a whole number of milliseconds` };
  return whole;
}

/**
 * A duration field. `min: 'zero'` allows 0 (a start time, an optional delay); `'positive'`
 * requires more than 0. Every duration is at most MAX_DURATION_MS.
 */
export function duration(min: 'zero' | 'positive') {
  return z.union([z.number(), z.bigint(), z.string()], { error: expected(`a duration: ${SYNTAX}`) }).transform((value, ctx) => {
    const parsed = checked(value, min);
    if (typeof parsed === 'number') return parsed;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  });
}

function checked(value: number | bigint | string, min: 'zero' | 'positive'): number | { problem: string } {
  const written = typeof value === 'string' ? printable(value, 64) : `${value} s`;
  const tooLong = { problem: `${written} is longer than the maximum of ${formatDuration(MAX_DURATION_MS)}` };
  if (typeof value === 'bigint') return tooLong;
  const parsed = parseDuration(value);
  if (typeof parsed !== 'number') return parsed;
  if (min === 'positive' && parsed === 0) return { problem: 'must be longer than 0' };
  return parsed > MAX_DURATION_MS ? tooLong : parsed;
}
