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

/**
 * Text of several lines made safe to print: each line as `printable` makes it (cut at `maxLine`),
 * the line breaks kept. For text we composed ourselves around input that was escaped where it
 * went in (an error message listing problems): whatever slipped through still cannot act.
 */
export function printableLines(text: string, maxLine = 2000): string {
  return text
    .split('\n')
    .map((line) => printable(line, maxLine))
    .join('\n');
}

/**
 * `JSON.stringify(value, null, 2)` safe for a terminal: the characters JSON leaves as they are
 * but a terminal or a viewer acts on (DEL, C1 controls, bidi overrides and isolates, zero-width
 * characters, line and paragraph separators) written as `\u` escapes — the same JSON value.
 */
export function terminalJson(value: unknown): string {
  return (JSON.stringify(value, null, 2) ?? 'null').replace(
    /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/gu,
    (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
