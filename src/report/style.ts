/** The report's only stylesheet, inlined in the page: system fonts, no external resources, a print layout. */
export const STYLE = `
:root {
  --pass: #15803d; --fail: #b91c1c; --warn: #b45309; --unknown: #475569;
  --ink: #111827; --muted: #4b5563; --line: #e5e7eb; --paper: #ffffff; --page: #f1f5f9;
  --fault: #f59e0b;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--page); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif;
}
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 8px; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 13px; }
h1 { margin: 0; font-size: 26px; line-height: 1.2; overflow-wrap: anywhere; }
h2 { margin: 0 0 12px; font-size: 19px; }
h3 { margin: 18px 0 6px; font-size: 15px; }
section { background: var(--paper); border-radius: 8px; box-shadow: 0 1px 3px rgba(15, 23, 42, 0.12); padding: 18px 20px; margin: 16px 0; }
.note { color: var(--muted); font-size: 14px; margin: 8px 0; }
.ok { color: var(--pass); font-weight: 600; }
.alert { color: var(--fail); font-weight: 600; background: #fef2f2; border-left: 4px solid var(--fail); padding: 8px 12px; }

/* verdict */
.verdict { display: flex; gap: 24px; align-items: center; color: #fff; border-radius: 8px; padding: 18px 24px; }
.verdict.pass { background: var(--pass); }
.verdict.fail { background: var(--fail); }
.verdict.unknown { background: var(--unknown); }
.verdict-word { font-size: 60px; font-weight: 800; letter-spacing: 2px; line-height: 1; }
.verdict-text { min-width: 0; }
.verdict p { margin: 4px 0 0; }
.verdict .description { font-size: 16px; opacity: 0.95; }
.verdict-count { font-size: 18px; font-weight: 600; }
.verdict-meta { font-size: 14px; opacity: 0.9; }
ul.damage { font-size: 13px; overflow-wrap: anywhere; }
.figures { list-style: none; display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; padding: 0; margin: 12px 0 0; }
.figures li { background: var(--paper); border-radius: 8px; box-shadow: 0 1px 3px rgba(15, 23, 42, 0.12); padding: 10px 14px; display: flex; flex-direction: column; }
.figures li.bad { box-shadow: inset 4px 0 0 var(--fail), 0 1px 3px rgba(15, 23, 42, 0.12); }
.figure-value { font-size: 20px; font-weight: 700; font-variant-numeric: tabular-nums; }
.figures li.bad .figure-value { color: var(--fail); }
.figure-label { color: var(--muted); font-size: 13px; }

/* tables */
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { background: #f8fafc; font-weight: 600; font-size: 13px; color: #374151; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafafa; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.name { font-weight: 600; min-width: 10em; overflow-wrap: anywhere; }
.wrap { min-width: 14em; overflow-wrap: anywhere; }
.target { font-size: 13px; color: #374151; max-width: 26em; }
td.over { color: var(--fail); font-weight: 700; }
tr.check.fail { background: #fef2f2; }
tr.check.warn { background: #fffbeb; }
tr.check.unknown { background: #f1f5f9; }
tbody tr.violation { background: #fef2f2; }
tbody tr.fault-event { background: #fff7ed; }
.badge { display: inline-block; min-width: 3.6em; text-align: center; border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 700; color: #fff; }
.badge.pass { background: var(--pass); }
.badge.fail { background: var(--fail); }
.badge.warn { background: var(--warn); }
.badge.unknown { background: var(--unknown); }
table.faults { font-size: 13px; }
table.faults th { white-space: normal; vertical-align: bottom; }
table.faults th.num { min-width: 5.5em; }
table.faults tr.fault td { border-bottom: none; padding-bottom: 2px; }
table.faults tr.fault-detail td { color: #374151; padding-top: 0; }
table.faults .detail { width: 0; min-width: 100%; overflow-wrap: anywhere; } /* wraps to the table, never widens it */
table.faults td.target { min-width: 6em; max-width: 14em; }
table.faults td.name { min-width: 13em; }
table.faults tbody tr:nth-child(4n+3), table.faults tbody tr:nth-child(4n+4) { background: #fafafa; }
table.faults tbody tr:nth-child(4n+1), table.faults tbody tr:nth-child(4n+2) { background: none; }
.label { color: var(--muted); }
.error { color: var(--fail); font-weight: 600; margin-top: 4px; }
.columns { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); gap: 24px; align-items: start; }
.columns h3:first-child { margin-top: 0; }
@media (max-width: 900px) { .columns { grid-template-columns: 1fr; } .verdict { flex-direction: column; align-items: flex-start; } }
ul.ids { margin: 0; padding-left: 20px; font-size: 14px; }
ul.ids li { overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
pre { background: #f8fafc; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; white-space: pre; margin: 6px 0; }
pre.command { background: #0f172a; color: #e2e8f0; border-color: #0f172a; user-select: all; }
pre.runbook { white-space: pre-wrap; overflow-wrap: anywhere; }
pre.file { max-height: 60em; overflow: auto; }

/* charts */
.charts { display: grid; gap: 14px; }
.chart-box { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px 2px; break-inside: avoid; page-break-inside: avoid; }
svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
svg.chart text { font-size: 12px; fill: #374151; }
svg.chart .chart-title { font-size: 16px; font-weight: 700; fill: var(--ink); }
svg.chart .axis-label { fill: var(--muted); }
svg.chart .tick { fill: var(--muted); font-variant-numeric: tabular-nums; }
svg.chart .grid { stroke: #e5e7eb; }
svg.chart .axis, svg.chart .tick-mark { stroke: #9ca3af; }
svg.chart .series { fill: none; stroke-width: 2; stroke-linejoin: round; }
svg.chart .rule { stroke-width: 1.6; }
svg.chart .fault-band { fill: var(--fault); fill-opacity: 0.16; stroke: var(--fault); stroke-opacity: 0.5; }
svg.chart .fault-instant { stroke: #d97706; stroke-width: 2.5; }
svg.chart .fault-label { fill: #92400e; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.chart .recovered { fill: var(--pass); }
svg.chart .recovered-line { stroke: var(--pass); stroke-width: 1.2; stroke-dasharray: 3 3; }
svg.chart .chart-empty { fill: var(--muted); font-size: 14px; paint-order: stroke; stroke: #fff; stroke-width: 6px; }
.no-chart { margin: 10px 4px; color: var(--muted); font-size: 15px; }

footer { max-width: 1240px; margin: 0 auto; padding: 4px 24px 24px; color: var(--muted); font-size: 13px; }

@media print {
  body { background: none; font-size: 12px; }
  main { max-width: none; padding: 0; }
  section, .figures li { box-shadow: none; border-radius: 0; padding: 8px 0; background: none; }
  .figures li { border: 1px solid var(--line); padding: 6px 8px; }
  .verdict { -webkit-print-color-adjust: exact; print-color-adjust: exact; break-inside: avoid; }
  tbody tr:nth-child(even), tr.check.fail, tr.check.warn, tr.violation, th, pre, pre.command, .alert { background: none; }
  pre.command { color: var(--ink); border-color: var(--line); }
  pre, pre.file { white-space: pre-wrap; overflow-wrap: anywhere; max-height: none; overflow: visible; }
  .table-wrap { overflow: visible; }
  .badge, .badge.pass, .badge.fail, .badge.warn { background: none; border: 1px solid currentColor; }
  .badge.pass { color: var(--pass); } .badge.fail { color: var(--fail); } .badge.warn { color: var(--warn); }
  .chart-box { break-inside: avoid; page-break-inside: avoid; }
  svg.chart { width: 100%; max-width: 100%; }
  h2 { break-after: avoid; }
}
`;
