import type { Measurements } from '../check/measurements.js';
import type { RunResult } from '../check/result.js';
import { renderCharts } from './charts.js';
import { html, Markup } from './escape.js';
import { loadOrigin } from './format.js';
import { section } from './html-kit.js';
import { checksSection } from './sections/checks.js';
import { damageSection } from './sections/damage.js';
import { definitionsSection } from './sections/definitions.js';
import { environmentSection, runbookSection } from './sections/environment.js';
import { exactlyOnceSection } from './sections/exactly-once.js';
import { faultsSection } from './sections/faults.js';
import { latencySection } from './sections/latency.js';
import { timelineSection } from './sections/timeline.js';
import { formatDate, verdictBanner } from './sections/verdict.js';
import { STYLE } from './style.js';

export interface ReportInput {
  result: RunResult;
  measurements: Measurements;
  /** The experiment file and its environment file as run: shown verbatim (escaped). */
  files?: { name: string; text: string }[];
  /** The lines of the history that could not be read, as `history.jsonl:12: what is wrong`: named in their own section. */
  damaged?: readonly string[];
  /** When the report was rendered (ISO string), shown in the footer. */
  renderedAt?: string;
}

/**
 * The run report: one self-contained HTML page (inline style and SVG charts, no script, no
 * external resource) that opens offline and prints. Pure: the same input gives the same page.
 * Every string from the run is HTML-escaped, so hostile names render as text.
 */
export function renderHtml(input: ReportInput): string {
  const { result, measurements: m } = input;
  const origin = loadOrigin(m, result);
  const body = html`<main>
${verdictBanner(result, m)}
${damageSection(input.damaged ?? [])}
${checksSection(result)}
${section('charts', 'Charts', html`<p class="note">Time in seconds from load start. Shaded: fault windows (a line: an instant fault). Green triangle: the service recovered from that fault.</p>${renderCharts({ result, measurements: m, origin })}`)}
${faultsSection(result, m, origin)}
${latencySection(m.latencySummary, result.plan.slos)}
${exactlyOnceSection(result)}
${timelineSection(m, origin)}
${definitionsSection(result.plan.slos.recovery)}
${environmentSection(result, input.files ?? [])}
${runbookSection(result.plan)}
</main>
${footer(input.renderedAt)}`;
  return page(`${result.verdict.toUpperCase()} · ${result.name} · streamchaos`, body);
}

function page(title: string, body: Markup): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="streamchaos">
<title>${title}</title>
<style>${new Markup(STYLE)}</style>
</head>
<body>
${body}
</body>
</html>
`.value;
}

function footer(renderedAt: string | undefined): Markup {
  return html`<footer>streamchaos run report${renderedAt === undefined ? '' : html` · rendered ${formatDate(renderedAt)}`}</footer>`;
}
