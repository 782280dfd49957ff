import type { RunResult } from '../../check/result.js';
import { html, type Markup } from '../escape.js';
import { formatValue } from '../format.js';
import { num, row, section, table } from '../html-kit.js';
import { checkStatus } from './verdict.js';

const BADGE = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', unknown: 'UNKNOWN' } as const;

/** The SLO and checks table: one `<tr class="check pass|fail|warn">` per check, in the order of the result. */
export function checksSection(result: RunResult): Markup {
  const rows = result.checks.map((c) => {
    const status = checkStatus(c);
    return row(
      [
        { content: c.name, class: 'name' },
        num(formatValue(c.observed)),
        num(formatValue(c.threshold)),
        { content: html`<span class="badge ${status}">${BADGE[status]}</span>`, class: 'status' },
        { content: c.message, class: 'wrap' },
      ],
      `check ${status}`,
    );
  });
  const body =
    result.checks.length === 0
      ? html`<p class="note">No checks were recorded for this run.</p>`
      : table(['check', { content: 'observed', class: 'num' }, { content: 'threshold', class: 'num' }, 'result', 'message'], rows, { class: 'checks' });
  const warns = result.checks.some((c) => checkStatus(c) === 'warn');
  const unknowns = result.checks.some((c) => checkStatus(c) === 'unknown');
  const note = html`${warns ? html`<p class="note">A check marked WARN failed but does not fail the run (see <code>--fail-on</code>).</p>` : ''}${
    unknowns ? html`<p class="note">A check marked UNKNOWN could not be judged from what the run recorded: never a pass.</p>` : ''
  }`;
  return section('checks', 'SLOs and checks', html`${body}${note}`);
}
