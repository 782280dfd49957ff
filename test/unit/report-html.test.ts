import { describe, expect, it } from 'vitest';
import type { Measurements } from '../../src/check/measurements.js';
import { escapeHtml } from '../../src/report/escape.js';
import { renderHtml, type ReportInput } from '../../src/report/html.js';
import { buildReportFixture, HOSTILE, T0 } from '../helpers/report-fixture.js';

const SECTIONS = ['verdict', 'checks', 'charts', 'faults', 'latency', 'exactly-once', 'timeline', 'definitions', 'environment', 'runbook'];

/** The markup of the element with this id, up to the end of its section (or header). */
function part(page: string, id: string): string {
  const start = page.indexOf(`id="${id}"`);
  expect(start, `#${id} is missing`).toBeGreaterThanOrEqual(0);
  const end = page.indexOf(id === 'verdict' ? '</header>' : '</section>', start);
  return page.slice(start, end);
}

function charts(page: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const piece of page.split('<svg class="chart"').slice(1)) {
    const kind = /^ data-chart="([^"]*)"/.exec(piece)?.[1] ?? '';
    found.set(kind, piece.slice(0, piece.indexOf('</svg>')));
  }
  return found;
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

function emptyMeasurements(): Measurements {
  return { throughput: [], latency: [], latencySummary: { unseen: 0 }, lag: [], cluster: [], faults: [], events: [] };
}

describe('renderHtml', () => {
  const input = buildReportFixture();
  const page = renderHtml(input);

  it('is one self-contained page: no script, no stylesheet link, nothing fetched', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|https?:|\bsrc=|\bhref=/i);
    expect(page).toContain('<style>');
  });

  it('has every section, in order', () => {
    const positions = SECTIONS.map((id) => page.indexOf(`id="${id}"`));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(page.indexOf('<footer')).toBeGreaterThan(positions.at(-1) ?? 0);
  });

  it('puts the verdict, the experiment, its seed and the count of checks on the banner', () => {
    const banner = part(page, 'verdict');
    expect(banner).toMatch(/^id="verdict" class="verdict fail" data-verdict="fail"/);
    expect(banner).toContain('>FAIL<');
    expect(banner).toContain('leader-kill-under-load');
    expect(banner).toContain(escapeHtml(input.result.plan.description ?? ''));
    expect(banner).toContain('seed <b>42</b>');
    expect(banner).toContain('2026-11-24 18:59:56 UTC');
    expect(banner).toContain('10 of 13 checks held · 2 failed · 1 warning');
    expect(renderHtml({ ...input, result: { ...input.result, verdict: 'pass' } })).toContain('data-verdict="pass"');
  });

  it('shows one row per check: failed blocking checks fail, failed non-blocking checks warn', () => {
    const rows = [...part(page, 'checks').matchAll(/<tr class="check (\w+)">/g)].map((m) => m[1]);
    expect(rows).toEqual(input.result.checks.map((c) => (c.pass ? 'pass' : c.blocking === false ? 'warn' : 'fail')));
    expect(rows.filter((r) => r === 'fail')).toHaveLength(2);
    expect(rows.filter((r) => r === 'warn')).toHaveLength(1);
    expect(part(page, 'checks')).toContain('<td class="num">1,210</td><td class="num">1,000</td>');
  });

  it('draws four charts, each with both fault windows labelled and both recoveries marked', () => {
    const found = charts(part(page, 'charts'));
    expect([...found.keys()]).toEqual(['throughput', 'latency', 'lag', 'cluster']);
    for (const [kind, svg] of found) {
      expect(count(svg, '<rect class="fault-band" x='), kind).toBe(2);
      expect(count(svg, 'class="recovered-marker"'), kind).toBe(2);
      expect(svg, kind).toContain('>crash the leader of orders-0</text>');
      expect(svg, kind).toMatch(/>latency 400 ms between clients and b[^<]*<\/text>/);
      expect(svg, kind).toContain('seconds from load start');
      expect(svg, kind).toMatch(/<g class="legend">/);
    }
    // the fault windows are at 15–30 s and 40–50 s on the same time axis in every chart
    const bands = [...found.values()].map((svg) =>
      [...svg.matchAll(/<rect class="fault-band" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g)].map((m) => `${m[1]}+${m[2]}`),
    );
    expect(new Set(bands.map((b) => b.join(' '))).size).toBe(1);
  });

  it('draws the baseline and the recovery threshold on the throughput chart, and latency on a log scale', () => {
    const found = charts(page);
    expect(found.get('throughput')).toContain('baseline 199.6/s');
    expect(found.get('throughput')).toContain('recovered at ≥ 159.7/s (80.0% of baseline)');
    for (const tick of ['>1 ms<', '>10 ms<', '>100 ms<', '>1 s<', '>10 s<', '>100 s<']) expect(found.get('latency')).toContain(tick);
    expect(found.get('lag')).toContain('lag of audit-consumer');
    expect(found.get('cluster')).toContain('under-replicated partitions');
  });

  it('never prints NaN, Infinity or undefined', () => {
    expect(page).not.toMatch(/NaN|Infinity|undefined|null/);
  });

  it('tabulates every fault with its recovery and effect', () => {
    const faults = part(page, 'faults');
    expect(count(faults, '<tr class="fault"')).toBe(2);
    expect(faults).toContain('15.00 – 30.00');
    expect(faults).toContain('<td class="num">3.40</td><td class="num">2.10</td><td class="num">17.10</td>');
    expect(faults).toContain('<td class="num">—</td><td class="num">1.30</td><td class="num">11.30</td>');
    expect(faults).toContain('3 leader changes, broker 2 left the cluster, up to 4 partitions under-replicated (smallest ISR 2)');
    expect(faults).toContain('2,850');
  });

  it('tabulates latency per phase, exactly-once with its samples, and the timeline from load start', () => {
    const latency = part(page, 'latency');
    for (const phase of ['overall', 'steady', 'during a fault', 'recovering after a heal']) expect(latency).toContain(phase);
    expect(latency).toContain('30,412');
    const eo = part(page, 'exactly-once');
    expect(eo).toContain('Exactly-once violated');
    expect(eo).toContain('<code>orders-producer-1:3013</code>');
    expect(eo).toMatch(/<tr class="violation"><td class="nowrap">duplicated<\/td><td class="num over">2<\/td>/);
    const timeline = part(page, 'timeline');
    expect(count(timeline, '<tr class="event')).toBe(input.measurements.events.length);
    expect(timeline).toContain('<td class="num">-4.00</td><td class="nowrap">phase</td>');
    expect(timeline).toContain('<td class="num">15.01</td>');
  });

  it('defines what was measured with the recovery definition of the run', () => {
    const defs = part(page, 'definitions');
    expect(defs).toContain('at or above 80.0% of the baseline in every 1 s window for 3.00 s');
    expect(defs).toContain('under 200 records');
    expect(defs).toContain('read_committed');
  });

  it('shows the experiment as run: plan, files verbatim, seed, the command, the runbook', () => {
    const env = part(page, 'environment');
    expect(env).toContain('<pre class="command"><code>streamchaos run experiments/leader-kill-under-load.yaml --seed 42</code></pre>');
    expect(env).toContain('<h3 class="file-name">experiments/leader-kill-under-load.yaml</h3><pre class="file"># Gameday');
    expect(env).toContain(escapeHtml(input.files?.[1]?.text ?? 'missing'));
    expect(env).toContain('4.1.0');
    expect(env).toContain('<code>orders</code> → <code>orders-processed</code>');
    expect(part(page, 'runbook')).toContain('fences its previous owner');
    expect(page).toContain('rendered 2026-11-24 19:01:15 UTC');
  });
});

describe('renderHtml with hostile names', () => {
  const input = buildReportFixture({ hostile: true });
  const page = renderHtml(input);

  it('escapes them everywhere, also inside the charts', () => {
    for (const hostile of Object.values(HOSTILE)) {
      expect(page).not.toContain(hostile);
      expect(page).toContain(escapeHtml(hostile));
    }
    expect(page).not.toMatch(/<script|<img|<svg onload/i);
    expect(part(page, 'verdict')).toContain(escapeHtml(input.result.name));
    expect(page).toContain(`<title>FAIL · ${escapeHtml(input.result.name)} · streamchaos</title>`);
    expect(charts(page).get('throughput')).toContain(escapeHtml(`crash the leader of orders-0 '"><img src=x`));
    expect(charts(page).get('lag')).toContain(escapeHtml(`lag of audit ${HOSTILE.pwnSvg}`));
    expect(part(page, 'checks')).toContain(escapeHtml(HOSTILE.attribute));
    expect(part(page, 'exactly-once')).toContain(`<code>${escapeHtml(HOSTILE.script)}:3013</code>`);
    expect(part(page, 'environment')).toContain(`<code>${escapeHtml(HOSTILE.script)}</code>`);
    expect(part(page, 'environment')).toContain(escapeHtml(input.files?.[0]?.text ?? 'missing'));
  });
});

describe('renderHtml on little data', () => {
  it('renders a run that measured nothing', () => {
    const { result } = buildReportFixture();
    const page = renderHtml({
      result: { ...result, checks: [], faults: [], plan: { ...result.plan, processor: undefined, consumers: [], timeline: [], runbook: undefined } },
      measurements: emptyMeasurements(),
    });
    expect(page).not.toMatch(/NaN|Infinity|undefined|null/);
    for (const id of SECTIONS.filter((s) => s !== 'runbook')) expect(page).toContain(`id="${id}"`);
    expect(page).not.toContain('id="runbook"');
    expect([...charts(page).keys()]).toEqual(['throughput', 'latency', 'cluster']);
    expect(page).toContain('no consumer group in this workload');
    expect(page).toContain('No checks were recorded');
    expect(page).toContain('This experiment injected no fault.');
    expect(page).toContain('No events were recorded.');
    expect(charts(page).get('cluster')).toContain('no cluster samples');
  });

  it('draws single points, an instant fault as a line and an unhealed fault up to the load stop', () => {
    const base = buildReportFixture();
    const m: Measurements = {
      ...emptyMeasurements(),
      loadStart: T0,
      loadStop: T0 + 20_000,
      throughput: [{ time: T0 + 1000, acked: 5, errors: 0 }],
      latency: [{ time: T0 + 1000, count: 5, p50: 0, p95: 0, p99: 0, max: 0 }],
      cluster: [{ time: T0, liveBrokers: 3, underReplicated: 0, offline: 0 }],
      faults: [
        { index: 0, name: 'kill broker-3', kind: 'broker-kill', injectedAt: T0 + 5000, impacted: false },
        { index: 1, name: 'cut broker-1', kind: 'cut', injectedAt: T0 + 10_000, impacted: true },
      ],
    };
    const plan = {
      ...base.result.plan,
      timeline: [
        { index: 0, name: 'kill broker-3', kind: 'broker-kill', atMs: 5000, target: 'broker-3' },
        { index: 1, name: 'cut broker-1', kind: 'cut', atMs: 10_000, healAtMs: 30_000, target: 'broker-1' },
      ],
    };
    const page = renderHtml({ result: { ...base.result, faults: [], plan }, measurements: m });
    expect(page).not.toMatch(/NaN|Infinity|undefined|null/);
    const throughput = charts(page).get('throughput') ?? '';
    expect(throughput).toContain('<circle');
    expect(count(throughput, '<line class="fault-instant"')).toBe(1);
    // the unhealed fault is shaded from 10 s to the load stop at 20 s: half the time axis (0–20 s)
    const axis = /<line class="axis" x1="([\d.]+)" x2="([\d.]+)"/.exec(throughput);
    const [left, right] = [Number(axis?.[1]), Number(axis?.[2])];
    const band = /<rect class="fault-band" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/.exec(throughput);
    expect(Number(band?.[1])).toBeCloseTo((left + right) / 2, 0);
    expect(Number(band?.[2])).toBeCloseTo((right - left) / 2, 0);
    const faults = part(page, 'faults');
    expect(faults).toContain('5.00 – instant');
    expect(faults).toContain('10.00 – not healed');
    expect(faults).toContain('no impact');
    expect(faults).toContain('not recovered');
  });

  it('says clearly when loss could not be ruled out, and shows reorders readably', () => {
    const base = buildReportFixture();
    const exactlyOnce = {
      ...base.result.exactlyOnce,
      unknown: 'the verifier did not read orders-processed to the end (timeout after 30000 ms)',
      reordered: 1,
      samples: { ...base.result.exactlyOnce.samples, reordered: [{ key: 'k-7', id: 'p-1:12', after: 'p-1:13' }] },
    };
    const input: ReportInput = { ...base, result: { ...base.result, exactlyOnce } };
    const eo = part(renderHtml(input), 'exactly-once');
    expect(eo).toContain('Loss could not be ruled out: the verifier did not read orders-processed to the end (timeout after 30000 ms).');
    expect(eo).toContain('<code>p-1:12</code> came after <code>p-1:13</code>, sent later (key <code>k-7</code>)');
  });
});
