/**
 * Text that came from a file (or any input we do not control), made safe to print: every
 * character a terminal or a log viewer would act on is shown as an escape instead of acting.
 * Newlines, carriage returns and tabs become `\n`, `\r`, `\t`; other C0 and C1 controls, DEL,
 * the bidirectional overrides and isolates, and zero-width characters become `\xNN` / `\u{NNNN}`.
 * Long text is cut to `max` characters with the number left out, so no input prints a whole file.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to escape
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function printable(text: string, max = 200): string {
  const cut = [...text];
  const shown = cut.length > max ? `${cut.slice(0, max).join('')}…(${cut.length - max} more characters)` : text;
  return shown.replace(UNSAFE, (ch) => NAMED[ch] ?? escapeCode(ch.codePointAt(0) ?? 0));
}

function escapeCode(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/** True when `text` holds a character `printable` would escape. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}
