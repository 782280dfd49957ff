import { html, type Markup } from '../escape.js';
import { section } from '../html-kit.js';

/**
 * The lines of history.jsonl the reader could not use, each with its line number and what is
 * wrong with it (already words, never the line itself; escaped like every string). Nothing when
 * every line was read.
 */
export function damageSection(damaged: readonly string[]): Markup | '' {
  if (damaged.length === 0) return '';
  return section(
    'damage',
    'Damaged history',
    html`<p class="note">These lines of the history could not be read as what they claim to be and were skipped: the verdict cannot rest on a damaged history, so no check passes.</p>
<ul class="damage">${damaged.map((d) => html`<li><code>${d}</code></li>`)}</ul>`,
  );
}
