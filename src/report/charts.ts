import type { Measurements } from '../check/measurements.js';
import type { RunResult } from '../check/result.js';
import { renderChart, type FaultMark, type Point, type Rule, type Series } from './chart-frame.js';
import { linearAxis, logAxis, timeDomain } from './chart-scale.js';
import { html, type Markup } from './escape.js';
import { formatCount, formatPercent, formatRate, formatValue } from './format.js';

/** What every chart is drawn from: the run, its measurements, and the time origin (load start, epoch ms). */
export interface ChartContext {
  result: RunResult;
  measurements: Measurements;
  origin: number;
}

const COLOURS = {
  blue: '#2563eb',
  red: '#dc2626',
  green: '#15803d',
  orange: '#ea580c',
  purple: '#7c3aed',
  grey: '#4b5563',
  teal: '#0f766e',
};
const GROUP_COLOURS = [COLOURS.blue, COLOURS.purple, COLOURS.teal, COLOURS.orange, COLOURS.grey, COLOURS.red];

/**
 * The four charts of the report, in order: throughput, latency, consumer lag, cluster. Each is
 * an `<svg class="chart" data-chart="…">` with every fault window shaded and labelled; the lag
 * chart is replaced by a sentence when there is no lag to draw.
 */
export function renderCharts(ctx: ChartContext): Markup {
  const faults = faultMarks(ctx);
  const frame = { faults, x: sharedDomain(ctx, faults) };
  return html`<div class="charts">
<figure class="chart-box">${throughputChart(ctx, frame)}</figure>
<figure class="chart-box">${latencyChart(ctx, frame)}</figure>
<figure class="chart-box">${lagChart(ctx, frame)}</figure>
<figure class="chart-box">${clusterChart(ctx, frame)}</figure>
</div>`;
}

/** What the charts share, so they line up: the fault windows and the time axis. */
interface Frame {
  faults: readonly FaultMark[];
  x: { from: number; to: number };
}

function throughputChart(ctx: ChartContext, frame: Frame): Markup {
  const m = ctx.measurements;
  const series: Series[] = [
    { label: 'acked records/s', colour: COLOURS.blue, points: points(ctx, m.throughput, (p) => p.acked) },
    { label: 'failed or timed-out sends/s', colour: COLOURS.red, points: points(ctx, m.throughput, (p) => p.errors) },
  ];
  const rules: Rule[] = [];
  const baseline = m.baseline?.recordsPerSecond;
  if (baseline !== undefined && Number.isFinite(baseline)) {
    const ratio = ctx.result.plan.slos.recovery.throughputRatio;
    rules.push({ label: `baseline ${formatRate(baseline)}/s`, y: baseline, colour: COLOURS.grey, dash: '7 4' });
    if (Number.isFinite(ratio)) {
      rules.push({
        label: `recovered at ≥ ${formatRate(baseline * ratio)}/s (${formatPercent(ratio)} of baseline)`,
        y: baseline * ratio,
        colour: COLOURS.green,
        dash: '2 3',
      });
    }
  }
  return renderChart({
    kind: 'throughput',
    title: 'Throughput: records acknowledged per second (by ack time)',
    yLabel: 'records/s',
    series,
    rules,
    ...frame,
    y: linearAxis([...series.flatMap((s) => s.points.map((p) => p.y)), ...rules.map((r) => r.y)], formatValue),
  });
}

function latencyChart(ctx: ChartContext, frame: Frame): Markup {
  const l = ctx.measurements.latency;
  const series: Series[] = [
    { label: 'p50', colour: COLOURS.green, points: points(ctx, l, (p) => p.p50) },
    { label: 'p99', colour: COLOURS.orange, points: points(ctx, l, (p) => p.p99) },
    { label: 'max', colour: COLOURS.red, points: points(ctx, l, (p) => p.max), dashed: true },
  ];
  return renderChart({
    kind: 'latency',
    title: 'End-to-end latency by send time (log scale)',
    yLabel: 'latency',
    series,
    ...frame,
    y: logAxis(
      series.flatMap((s) => s.points.map((p) => p.y)),
      formatLatency,
      1,
    ),
  });
}

function lagChart(ctx: ChartContext, frame: Frame): Markup {
  const lag = ctx.measurements.lag;
  if (lag.length === 0) {
    const plan = ctx.result.plan;
    const hasGroup = plan.processor !== undefined || (plan.consumers?.length ?? 0) > 0;
    return html`<p class="no-chart" data-chart="lag">Consumer lag: ${hasGroup ? 'no lag samples were recorded for the consumer groups of this workload.' : 'no consumer group in this workload.'}</p>`;
  }
  const groups = [...new Set(lag.map((s) => s.group))];
  const series: Series[] = groups.map((group, i) => ({
    label: `lag of ${group}`,
    colour: GROUP_COLOURS[i % GROUP_COLOURS.length] ?? COLOURS.blue,
    points: points(
      ctx,
      lag.filter((s) => s.group === group),
      (s) => s.total,
    ),
  }));
  const slos = ctx.result.plan.slos;
  const rules: Rule[] = [{ label: `recovered below ${formatCount(slos.recovery.lagBelow)}`, y: slos.recovery.lagBelow, colour: COLOURS.green, dash: '2 3' }];
  if (slos.maxLag !== undefined) rules.push({ label: `SLO: at most ${formatCount(slos.maxLag)}`, y: slos.maxLag, colour: COLOURS.red, dash: '7 4' });
  return renderChart({
    kind: 'lag',
    title: 'Consumer lag per group (records behind, all partitions)',
    yLabel: 'records',
    series,
    rules,
    ...frame,
    y: linearAxis([...series.flatMap((s) => s.points.map((p) => p.y)), ...rules.map((r) => r.y)], formatValue, { integer: true }),
  });
}

function clusterChart(ctx: ChartContext, frame: Frame): Markup {
  const c = ctx.measurements.cluster;
  const series: Series[] = [
    { label: 'live brokers', colour: COLOURS.blue, points: points(ctx, c, (s) => s.liveBrokers), step: true },
    { label: 'under-replicated partitions', colour: COLOURS.orange, points: points(ctx, c, (s) => s.underReplicated), step: true },
    { label: 'offline partitions', colour: COLOURS.red, points: points(ctx, c, (s) => s.offline), step: true, dashed: true },
  ];
  if (c.some((s) => s.processorsAlive !== undefined)) {
    series.push({ label: 'processors alive', colour: COLOURS.purple, points: points(ctx, c, (s) => s.processorsAlive), step: true, dashed: true });
  }
  return renderChart({
    kind: 'cluster',
    title: 'Cluster: brokers, partitions and processors',
    yLabel: 'count',
    series,
    ...frame,
    y: linearAxis([...series.flatMap((s) => s.points.map((p) => p.y)), ctx.result.plan.environment.brokers], formatValue, { integer: true }),
    empty: 'no cluster samples',
  });
}

/** Latency tick labels: milliseconds below a second, seconds above. */
function formatLatency(ms: number): string {
  return ms >= 1000 ? `${formatCount(ms / 1000)} s` : `${formatCount(ms)} ms`;
}

function points<T extends { time: number }>(ctx: ChartContext, samples: readonly T[], y: (s: T) => number | undefined): Point[] {
  const out: Point[] = [];
  for (const s of samples) {
    const v = y(s);
    if (v !== undefined) out.push({ x: (s.time - ctx.origin) / 1000, y: v });
  }
  return out;
}

/** One time axis for every chart: from load start (or the first sample before it) to load stop (or the last sample). */
function sharedDomain(ctx: ChartContext, faults: readonly FaultMark[]): { from: number; to: number } {
  const m = ctx.measurements;
  const times = [m.throughput, m.latency, m.lag, m.cluster].flatMap((list) => list.map((s) => (s.time - ctx.origin) / 1000));
  const xs = [...times, ...faults.flatMap((f) => [f.from, f.to ?? f.from, f.recoveredAt ?? f.from])];
  if (m.loadStop !== undefined) xs.push((m.loadStop - ctx.origin) / 1000);
  return timeDomain(xs);
}

/**
 * Every fault as drawn: shaded from injection to heal; a fault that was meant to last but was
 * still active when load stopped is shaded to the load stop; an instant fault (no heal, no
 * planned duration) is a line.
 */
function faultMarks(ctx: ChartContext): FaultMark[] {
  const { result, measurements: m, origin } = ctx;
  const seconds = (t: number | undefined) => (t === undefined || !Number.isFinite(t) ? undefined : (t - origin) / 1000);
  const measured = m.faults.map((f) => ({ index: f.index, name: f.name, injectedAt: f.injectedAt, healedAt: f.healedAt, recoveredAt: f.recoveredAt }));
  const known = new Set(measured.map((f) => f.index));
  const unmeasured = result.faults
    .filter((f) => !known.has(f.index) && f.injectedAt !== undefined)
    .map((f) => ({ index: f.index, name: f.name, injectedAt: f.injectedAt ?? 0, healedAt: f.healedAt, recoveredAt: f.recovery?.recoveredAt }));
  return [...measured, ...unmeasured].map((f) => {
    const planned = result.plan.timeline.find((p) => p.index === f.index);
    const plannedEnd = planned?.healAtMs === undefined ? undefined : (m.loadStop ?? f.injectedAt + planned.healAtMs - planned.atMs);
    const from = seconds(f.injectedAt) ?? 0;
    const to = seconds(f.healedAt ?? plannedEnd);
    const recoveredAt = seconds(f.recoveredAt);
    return { index: f.index, name: f.name, from, ...(to === undefined ? {} : { to }), ...(recoveredAt === undefined ? {} : { recoveredAt }) };
  });
}
