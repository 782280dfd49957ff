import { clientFallbackText, type Plan } from '../history/plan.js';
import { formatDuration } from '../schema/duration.js';
import { printable } from '../util/printable.js';

/**
 * The plan as `streamchaos plan` prints it: what will run, against what, and what is judged.
 * Its names come from the experiment file, so every line is made printable as it is joined:
 * a name with a line break, a terminal escape or a direction override cannot forge or hide a row.
 */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [];
  lines.push(
    `experiment ${plan.name}  (seed ${plan.seed}, load for ${formatDuration(plan.durationMs)})${plan.dryRun === true ? '  — DRY RUN: no fault will be injected' : ''}`,
  );
  const x = plan.external;
  if (x === undefined) {
    lines.push(
      `environment ${plan.environment.name}: ${plan.environment.brokers} brokers, Kafka ${plan.environment.kafka}, topics ${plan.environment.topics.join(', ')}`,
    );
  } else {
    lines.push(
      `environment ${plan.environment.name}: EXTERNAL (marked nonProduction), bootstrap ${x.bootstrap}, observer ${x.observer}, security ${x.security}, topics ${plan.environment.topics.join(', ') || '(none)'}`,
    );
    lines.push(`  toxiproxy ${x.toxiproxy ?? '(none declared)'}${x.proxies.length === 0 ? '' : `, your proxies:`}`);
    for (const p of x.proxies) lines.push(`    ${p}`);
    lines.push('  faults possible here:');
    for (const p of x.possible) lines.push(`    ✓ ${p}`);
    lines.push('  faults not possible here:');
    for (const p of x.impossible) lines.push(`    ✗ ${p}`);
    lines.push('  a run needs --yes (or a typed confirmation on a terminal) before any fault; --dry-run injects none');
  }
  for (const p of plan.producers) {
    lines.push(
      `producer ${p.name} → ${p.topic}: ${p.rate} records/s over ${p.keys} keys, ${p.payloadBytes} B, acks=${p.acks}${p.idempotent ? ', idempotent' : ''}${p.transactional ? ', transactional' : ''}${p.instances > 1 ? `, ${p.instances} instances` : ''}, on ${p.client}`,
    );
  }
  if (plan.processor !== undefined) {
    const pr = plan.processor;
    lines.push(
      `processor ${pr.input} → ${pr.output}: ${pr.instances} instances, ${pr.mode}${pr.command === undefined ? '' : `, command ${pr.command.join(' ')}`}${pr.client === undefined ? '' : `, on ${pr.client}`}`,
    );
  }
  for (const c of plan.consumers ?? [])
    lines.push(`consumer ${c.name} ← ${c.topic}: group ${c.group}${c.instances > 1 ? `, ${c.instances} instances` : ''}, on ${c.client}`);
  if (plan.clientFallback !== undefined) lines.push(`! ${printable(clientFallbackText(plan.clientFallback), 600)}`);
  for (const j of plan.judged) {
    const against = j.input.length === 1 && j.input[0] === j.output ? 'against what was produced to it' : `against what was produced to ${j.input.join(', ')}`;
    lines.push(`judged: ${j.output}, read back to its end, ${against}`);
  }
  lines.push('timeline:');
  if (plan.timeline.length === 0) lines.push('  (no faults)');
  if (plan.timeline.some((f) => f.waitsFor !== undefined)) {
    lines.push('  (a fault begins at its time, or later if an earlier fault is still healing: its window keeps its length, and the report says how late)');
  }
  for (const f of plan.timeline) {
    const window = f.healAtMs === undefined ? `at ${formatDuration(f.atMs)}` : `${formatDuration(f.atMs)} → ${formatDuration(f.healAtMs)}`;
    lines.push(`  ${window.padEnd(16)} ${f.kind.padEnd(17)} ${f.target}${f.name !== '' && !f.name.startsWith(f.kind) ? `  — ${f.name}` : ''}`);
  }
  lines.push(`steady state before: ${plan.steadyState.before.join(', ') || '(none)'}; after: ${plan.steadyState.after.join(', ') || '(none)'}`);
  const o = plan.slos;
  const slos = [
    o.exactlyOnce ? 'exactly-once' : undefined,
    o.orderedPerKey ? 'order per key' : undefined,
    o.maxIndeterminate === undefined ? undefined : `at most ${o.maxIndeterminate} indeterminate`,
    o.maxRecoverySeconds === undefined ? undefined : `recovery within ${o.maxRecoverySeconds} s`,
    o.maxLag === undefined ? undefined : `lag at most ${o.maxLag}`,
    o.lagRecoveredWithinSeconds === undefined ? undefined : `lag under ${o.recovery.lagBelow} within ${o.lagRecoveredWithinSeconds} s of each heal`,
    o.p50LatencyMs === undefined ? undefined : `p50 latency ≤ ${o.p50LatencyMs} ms`,
    o.p99LatencyMs === undefined ? undefined : `p99 latency ≤ ${o.p99LatencyMs} ms`,
    o.maxLatencyMs === undefined ? undefined : `max latency ≤ ${o.maxLatencyMs} ms`,
    o.minThroughputRatio === undefined ? undefined : `throughput ≥ ${o.minThroughputRatio} of offered`,
  ].filter(Boolean);
  lines.push(`SLOs: ${slos.join(', ') || '(none)'}`);
  lines.push(
    `recovered when: throughput ≥ ${o.recovery.throughputRatio} × the pre-fault baseline for ${o.recovery.holdSeconds} s with no failed send; lag under ${o.recovery.lagBelow}`,
  );
  return `${lines.map((line) => printable(line, 4000)).join('\n')}\n`;
}
