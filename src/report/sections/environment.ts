import type { Plan } from '../../history/plan.js';
import type { RunResult } from '../../check/result.js';
import { html, type Markup } from '../escape.js';
import { formatCount, formatSeconds, formatValue, NONE } from '../format.js';
import { definitions, num, row, section, table } from '../html-kit.js';

/** The environment and the experiment as run: the plan, the files verbatim, the seed, and the command that reproduces the run. */
export function environmentSection(result: RunResult, files: readonly { name: string; text: string }[]): Markup {
  const plan = result.plan;
  return section(
    'environment',
    'Environment and experiment as run',
    html`${summary(plan, result)}
${producers(plan)}
${consumers(plan)}
${plannedFaults(plan)}
<h3>Reproduce</h3>
<p class="note">Seed <b>${String(result.seed)}</b>. The same plan and seed reproduce the same run:</p>
<pre class="command"><code>${result.command}</code></pre>
${files.map((f) => html`<h3 class="file-name">${f.name}</h3><pre class="file">${f.text}</pre>`)}`,
  );
}

/** The runbook of the experiment, as written, or nothing. */
export function runbookSection(plan: Plan): Markup {
  if (plan.runbook === undefined || plan.runbook.trim() === '') return html``;
  return section('runbook', 'Runbook', html`<pre class="runbook">${plan.runbook}</pre>`);
}

function summary(plan: Plan, result: RunResult): Markup {
  const e = plan.environment;
  const p = plan.processor;
  const runtime = result.runtime;
  return definitions([
    ['environment', e.name],
    [
      'runtime',
      runtime === undefined ? NONE : html`${runtime.name}${Object.entries(runtime.nodes).map(([node, what]) => html`<br>${node}: <code>${what}</code>`)}`,
    ],
    ['brokers', String(e.brokers)],
    ['Kafka', e.kafka],
    ['topics', e.topics.length === 0 ? NONE : html`${e.topics.map((t, i) => html`${i > 0 ? ', ' : ''}<code>${t}</code>`)}`],
    ['duration', `${formatSeconds(plan.durationMs / 1000)} s`],
    [
      'processor',
      p === undefined
        ? NONE
        : html`<code>${p.input}</code> → <code>${p.output}</code>, ${String(p.instances)} instance${p.instances === 1 ? '' : 's'}, ${p.mode}${p.command === undefined ? '' : html`: <code>${p.command.join(' ')}</code>`}`,
    ],
    ['SLOs', promised(plan)],
    ['steady state', `before: ${plan.steadyState.before.join(', ') || NONE}; after: ${plan.steadyState.after.join(', ') || NONE}`],
  ]);
}

function producers(plan: Plan): Markup {
  if (plan.producers.length === 0) return html``;
  const rows = plan.producers.map((p) =>
    row([
      { content: p.name, class: 'name' },
      html`<code>${p.topic}</code>`,
      num(formatCount(p.rate)),
      num(formatCount(p.keys)),
      num(formatCount(p.payloadBytes)),
      p.acks,
      p.idempotent ? 'yes' : 'no',
      p.transactional ? 'yes' : 'no',
      num(formatCount(p.instances)),
    ]),
  );
  const head = [
    'producer',
    'topic',
    { content: 'records/s', class: 'num' },
    { content: 'keys', class: 'num' },
    { content: 'payload (bytes)', class: 'num' },
    'acks',
    'idempotent',
    'transactional',
    { content: 'instances', class: 'num' },
  ];
  return html`<h3>Producers</h3>${table(head, rows)}`;
}

function consumers(plan: Plan): Markup {
  const list = plan.consumers ?? [];
  if (list.length === 0) return html``;
  const rows = list.map((c) =>
    row([{ content: c.name, class: 'name' }, html`<code>${c.topic}</code>`, html`<code>${c.group}</code>`, num(formatCount(c.instances))]),
  );
  return html`<h3>Consumers</h3>${table(['consumer', 'topic', 'group', { content: 'instances', class: 'num' }], rows)}`;
}

function plannedFaults(plan: Plan): Markup {
  if (plan.timeline.length === 0) return html``;
  const rows = plan.timeline.map((f) =>
    row([
      num(String(f.index + 1)),
      { content: f.name, class: 'name' },
      f.kind,
      num(formatSeconds(f.atMs / 1000)),
      num(f.healAtMs === undefined ? 'instant' : formatSeconds(f.healAtMs / 1000)),
      { content: f.target, class: 'wrap target' },
    ]),
  );
  const head = ['#', 'fault', 'kind', { content: 'at (s)', class: 'num' }, { content: 'heal at (s)', class: 'num' }, 'target (as planned)'];
  return html`<h3>Timeline as planned</h3>${table(head, rows)}`;
}

function promised(plan: Plan): string {
  const s = plan.slos;
  const limits: [string, number | undefined, string][] = [
    ['indeterminate ≤', s.maxIndeterminate, ''],
    ['recovery ≤', s.maxRecoverySeconds, ' s'],
    ['lag ≤', s.maxLag, ''],
    ['lag recovered within', s.lagRecoveredWithinSeconds, ' s'],
    ['p50 ≤', s.p50LatencyMs, ' ms'],
    ['p99 ≤', s.p99LatencyMs, ' ms'],
    ['max latency ≤', s.maxLatencyMs, ' ms'],
    ['acked/offered ≥', s.minThroughputRatio, ''],
  ];
  const parts = [s.exactlyOnce ? 'exactly-once' : undefined, s.orderedPerKey ? 'order per key' : undefined];
  for (const [label, value, unit] of limits) if (value !== undefined) parts.push(`${label} ${formatValue(value)}${unit}`);
  const list = parts.filter((x): x is string => x !== undefined);
  return list.length === 0 ? NONE : list.join(', ');
}
