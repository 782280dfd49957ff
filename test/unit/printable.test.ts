import { describe, expect, it } from 'vitest';
import { hasUnsafeCharacters, printable } from '../../src/util/printable.js';

describe('printable: input text made safe for a terminal', () => {
  it('shows newlines, escapes and bidi overrides instead of letting them act', () => {
    expect(printable('a\nb\r\tc')).toBe('a\\nb\\r\\tc');
    expect(printable('\x1b]0;pwned\x07x')).toBe('\\x1b]0;pwned\\x07x');
    expect(printable('\u009b31m')).toBe('\\x9b31m');
    expect(printable('abc\u202edcba')).toBe('abc\\u{202e}dcba');
    expect(printable('zero\u200bwidth\ufeff')).toBe('zero\\u{200b}width\\u{feff}');
  });

  it('leaves ordinary text alone, accents and emoji included', () => {
    for (const s of ['leader-kill', 'broker 2 → 3', 'Zürich ✓', 'naïve 😀']) expect(printable(s)).toBe(s);
  });

  it('cuts long text and says how much was left out', () => {
    const out = printable('x'.repeat(1000), 10);
    expect(out).toBe('xxxxxxxxxx…(990 more characters)');
  });

  it('tells whether a text holds an unsafe character, every time (no state carried between calls)', () => {
    expect([hasUnsafeCharacters('a\nb'), hasUnsafeCharacters('a\nb'), hasUnsafeCharacters('ab')]).toEqual([true, true, false]);
  });
});
