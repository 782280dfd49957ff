import { html, type Hole, type Markup } from './escape.js';

/** A titled section of the report, `<section id="…">`. */
export function section(id: string, title: string, body: Hole): Markup {
  return html`<section id="${id}">
<h2>${title}</h2>
${body}
</section>`;
}

/** A cell: its content, and optionally a class (`num` right-aligns numbers, `wrap` lets long text break). */
export interface Cell {
  content: Hole;
  class?: string;
}

/** A table in a horizontally scrolling wrapper; `num` headers are right-aligned. */
export function table(head: readonly (string | Cell)[], rows: readonly Markup[], options: { class?: string; caption?: Hole } = {}): Markup {
  const th = head.map((h) =>
    typeof h === 'string' ? html`<th>${h}</th>` : html`<th${h.class === undefined ? '' : html` class="${h.class}"`}>${h.content}</th>`,
  );
  return html`<div class="table-wrap"><table${options.class === undefined ? '' : html` class="${options.class}"`}>${options.caption === undefined ? '' : html`<caption>${options.caption}</caption>`}
<thead><tr>${th}</tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`;
}

/** A row; `cells` are strings (escaped) or cells with a class. */
export function row(cells: readonly (Hole | Cell)[], className?: string): Markup {
  const td = cells.map((c) => (isCell(c) ? html`<td${c.class === undefined ? '' : html` class="${c.class}"`}>${c.content}</td>` : html`<td>${c}</td>`));
  return html`<tr${className === undefined ? '' : html` class="${className}"`}>${td}</tr>\n`;
}

/** A numeric cell (right-aligned, tabular figures). */
export function num(content: string, extra?: string): Cell {
  return { content, class: extra === undefined ? 'num' : `num ${extra}` };
}

/** A definition list from term/description pairs. */
export function definitions(items: readonly [string, Hole][]): Markup {
  return html`<dl class="facts">${items.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`;
}

function isCell(c: Hole | Cell): c is Cell {
  return typeof c === 'object' && c !== null && !Array.isArray(c) && 'content' in c;
}
