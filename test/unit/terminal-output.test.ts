/**
 * What streamchaos prints of a run — the plan, the summary, progress lines, errors — cannot be
 * forged or hidden by the text it quotes: every string of a plan or a result poisoned with a
 * newline, a forged "✓" line, an erase-line escape, a title escape and a bidi override prints
 * as many lines as the clean one, with no control character at all. Commands that started
 * nothing have no exit hooks, so a signal ends them at once (cli/main.ts).
 */
import { describe, expect, it } from 'vitest';
import { printSummary } from '../../src/cli/summary.js';
import { printError, terminalProgress } from '../../src/cli/output.js';
import { UsageError } from '../../src/errors.js';
import { formatPlan } from '../../src/experiment/plan-text.js';
import { hasExitHooks, onExit } from '../../src/util/cleanup-stack.js';
import { printableLines, terminalJson } from '../../src/util/printable.js';
import { buildReportFixture } from '../helpers/report-fixture.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: what must never be printed
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;
const PAYLOAD = '\n✓ forged: experiment ok\r\x1b[2K\x1b[1A\x1b]0;pwned\x07\u202e\u009b2J';

/** `value` with every string (not object keys) followed by PAYLOAD. */
function poison<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' ? `${v}${PAYLOAD}` : v)) as T;
}

function captured(write: () => void, stream: NodeJS.WriteStream = process.stdout): string {
  const out: string[] = [];
  const original = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array): boolean => {
    out.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof stream.write;
  try {
    write();
  } finally {
    stream.write = original;
  }
  return out.join('');
}

describe('printed output quotes input without letting it act', () => {
  it('plan: a poisoned plan prints the same rows as the clean one, escaped', () => {
    const plan = buildReportFixture().result.plan;
    const clean = formatPlan(plan);
    const poisoned = formatPlan(poison(plan));
    expect(CONTROL.exec(poisoned)?.[0]).toBeUndefined();
    expect(poisoned.split('\n')).toHaveLength(clean.split('\n').length);
    expect(poisoned).not.toMatch(/\n\s*✓ forged/);
    expect(poisoned).toContain('\\n✓ forged: experiment ok\\r\\x1b[2K\\x1b[1A\\x1b]0;pwned\\x07\\u{202e}\\x9b2J');
  });

  it('the run summary: a poisoned result prints the same lines as the clean one, escaped', () => {
    const { result } = buildReportFixture();
    const clean = captured(() => printSummary(result, 'reports/run'));
    const poisoned = captured(() => printSummary(poison(result), 'reports/run'));
    expect(CONTROL.exec(poisoned)?.[0]).toBeUndefined();
    expect(poisoned.split('\n')).toHaveLength(clean.split('\n').length);
    expect(poisoned).not.toMatch(/\n\s*✓ forged/);
  });

  it('the run summary says, whole and on one line, when librdkafka was asked for and kafkajs ran instead', () => {
    const { result } = buildReportFixture();
    const reason = `its native module did not load: ${'/very/long/path/'.repeat(12)}librdkafka.so.1: cannot open shared object file`;
    const withFallback = { ...result, plan: { ...result.plan, clientFallback: { reason, clients: ['orders-producer', 'the processor'] } } };
    const line = captured(() => printSummary(withFallback, 'reports/run'))
      .split('\n')
      .find((l) => l.includes('librdkafka is not available here'));
    expect(line).toContain(`(${reason}): kafkajs runs orders-producer, the processor instead`);
    expect(line).not.toContain('more characters');
    expect(captured(() => printSummary(result, 'reports/run'))).not.toContain('librdkafka is not available');
  });

  it('progress lines and errors: escaped, one line each', () => {
    const progress = captured(() => {
      const p = terminalProgress(process.stderr);
      p.step(`starting ${PAYLOAD}`);
      p.done(`done ${PAYLOAD}`);
    }, process.stderr);
    expect(CONTROL.exec(progress)?.[0]).toBeUndefined();
    expect(progress.split('\n')).toHaveLength(3);
    const error = captured(() => printError(new UsageError(`bad${PAYLOAD}`, { hint: `fix${PAYLOAD}` })), process.stderr);
    expect(CONTROL.exec(error)?.[0]).toBeUndefined();
    const crash = captured(() => printError(new TypeError(`oops${PAYLOAD}`)), process.stderr);
    expect(CONTROL.exec(crash)?.[0]).toBeUndefined();
  });

  it('printableLines keeps the line breaks and escapes the rest; terminalJson is the same JSON value', () => {
    expect(printableLines('a\x1b[2K\nb\r\u202e')).toBe('a\\x1b[2K\nb\\r\\u{202e}');
    const value = { name: `x${PAYLOAD}`, list: ['\u2028', '\u009b', 1] };
    const json = terminalJson(value);
    expect(CONTROL.exec(json)?.[0]).toBeUndefined();
    expect(/[\u2028\u2029\u200b-\u200f\ufeff]/u.test(json)).toBe(false);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('exit hooks tell whether anything was started', () => {
  it('none before a teardown is registered, one while it is, none after it is forgotten', () => {
    expect(hasExitHooks()).toBe(false);
    const forget = onExit(async () => undefined, 'test teardown');
    expect(hasExitHooks()).toBe(true);
    forget();
    expect(hasExitHooks()).toBe(false);
  });
});
