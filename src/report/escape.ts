/**
 * Escaping for the report: every string that comes from a run (experiment, topic and fault
 * names, targets, ids, messages, files, the command) passes through here before it reaches
 * HTML, SVG or XML. The `html` template escapes every interpolated value unless it is already
 * `Markup`, so forgetting to escape takes effort.
 */

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes `& < > " '`: safe in HTML (and inline SVG) text and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

/** Markup that is already safe: built by `html` from escaped parts. */
export class Markup {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** What `html` accepts in a hole: text (escaped), markup (as is), lists of either, or nothing. */
export type Hole = Markup | string | number | boolean | null | undefined | readonly Hole[];

/**
 * Tagged template for HTML and SVG: strings and numbers in holes are escaped, `Markup` is
 * inserted as is, arrays are concatenated, and `undefined`, `null` and `false` render nothing.
 */
export function html(strings: TemplateStringsArray, ...holes: Hole[]): Markup {
  let out = strings[0] ?? '';
  holes.forEach((hole, i) => {
    out += render(hole) + (strings[i + 1] ?? '');
  });
  return new Markup(out);
}

/** Joins markup fragments (e.g. the rows of a table) into one. */
export function join(parts: readonly Hole[], separator = ''): Markup {
  return new Markup(parts.map(render).join(separator));
}

function render(hole: Hole): string {
  if (hole === undefined || hole === null || hole === false) return '';
  if (hole instanceof Markup) return hole.value;
  if (Array.isArray(hole)) return hole.map(render).join('');
  return escapeHtml(String(hole));
}

/**
 * Escapes text for an XML 1.0 attribute value: `& < > " '` become entities, tabs and line
 * breaks become character references (so the attribute keeps them), and characters XML 1.0
 * does not allow (most control characters, lone surrogates, U+FFFE, U+FFFF) are dropped.
 */
export function escapeXml(value: string): string {
  return xmlEscape(value, true);
}

/** Like `escapeXml`, but keeps tabs and line breaks as they are: for element text, where they survive parsing. */
export function escapeXmlText(value: string): string {
  return xmlEscape(value, false);
}

const XML_WHITESPACE: Record<string, string> = { '\n': '&#10;', '\r': '&#13;', '\t': '&#9;' };

function xmlEscape(value: string, escapeWhitespace: boolean): string {
  let out = '';
  for (const ch of value) {
    if (!isXmlChar(ch.codePointAt(0) ?? 0)) continue;
    out += (escapeWhitespace ? XML_WHITESPACE[ch] : undefined) ?? HTML_ENTITIES[ch] ?? ch;
  }
  return out;
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
