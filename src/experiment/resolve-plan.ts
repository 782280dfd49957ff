import { describeTarget, formatDuration, type ExperimentSpec, type FaultSpec, type TargetRule } from '../schema/experiment.js';
import type { Plan } from '../history/plan.js';
import { environmentBrokerIds } from '../schema/environment.js';
import { externalCapabilities } from '../schema/external-faults.js';
import type { ExternalEnvironmentSpec } from '../schema/external-environment.js';
import { Random } from '../util/random.js';

export type { Plan, PlannedFault } from '../history/plan.js';

/** The random stream of fault `index` for a seed: the same at plan time and at run time. */
export function faultRandom(seed: number, index: number): Random {
  return new Random(seed).fork(`fault-${index}`);
}

export function planExperiment(spec: ExperimentSpec, seed: number = spec.seed, options: { dryRun?: boolean } = {}): Plan {
  const env = spec.environment;
  const brokerIds = environmentBrokerIds(env);
  const processors = spec.workload.processor?.instances ?? 0;
  return {
    name: spec.name,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    seed,
    durationMs: spec.durationMs,
    environment: {
      name: env.name,
      brokers: brokerIds.length,
      kafka: env.runtime === 'external' ? "the cluster's own" : env.kafka.version,
      topics: env.topics.map((t) => t.name),
    },
    ...(env.runtime === 'external' ? { external: externalPlan(env) } : {}),
    ...(options.dryRun === true ? { dryRun: true } : {}),
    producers: spec.workload.producers.map((p) => ({
      name: p.name,
      topic: p.topic,
      rate: p.rate,
      keys: p.keys,
      payloadBytes: p.payloadBytes,
      acks: p.acks,
      idempotent: p.idempotent,
      transactional: p.transactions !== undefined,
      instances: p.instances,
    })),
    ...(spec.workload.processor === undefined
      ? {}
      : {
          processor: {
            input: spec.workload.processor.input,
            output: spec.workload.processor.output,
            instances: spec.workload.processor.instances,
            mode: spec.workload.processor.mode,
            ...(spec.workload.processor.command === undefined ? {} : { command: spec.workload.processor.command }),
          },
        }),
    ...(spec.workload.consumers === undefined ? {} : { consumers: spec.workload.consumers.map((c) => ({ ...c })) }),
    timeline: spec.timeline.map((f, index) => ({
      index,
      name: f.name,
      kind: f.kind,
      atMs: f.atMs,
      ...(f.healAtMs === undefined ? {} : { healAtMs: f.healAtMs }),
      target: targetText(f, faultRandom(seed, index), brokerIds, processors),
    })),
    steadyState: spec.steadyState,
    slos: spec.slos,
    ...(spec.runbook === undefined ? {} : { runbook: spec.runbook }),
  };
}

/** A rule in words; a random rule also shows what this seed draws (the run draws the same). */
function targetText(f: FaultSpec, random: Random, brokers: number[], processors: number): string {
  const one = (rule: TargetRule): string => {
    if (rule.type === 'random-broker') return `${describeTarget(rule)} (this seed: broker-${random.pick(brokers)})`;
    if (rule.type === 'random-processor' && processors > 0) return `${describeTarget(rule)} (this seed: processor-${random.int(processors) + 1})`;
    return describeTarget(rule);
  };
  if (f.kind === 'split') return f.groups.map((g) => `{${g.map((b) => `broker-${b}`).join(', ')}}`).join(' | ');
  if (f.kind === 'cut') return `${f.from.type === 'clients' ? 'clients' : one(f.from)} → ${one(f.to)}`;
  if (f.kind === 'isolate') return `${one(f.target)} from ${f.from}`;
  if ('links' in f) return `${one(f.target)}, ${f.links} links`;
  return one(f.target);
}

function externalPlan(env: ExternalEnvironmentSpec): NonNullable<Plan['external']> {
  const { possible, impossible } = externalCapabilities(env);
  return {
    bootstrap: env.bootstrap.join(','),
    observer: (env.observer ?? env.bootstrap).join(','),
    security:
      env.security.sasl === undefined ? env.security.protocol : `${env.security.protocol}, ${env.security.sasl.mechanism} as $${env.security.sasl.usernameEnv}`,
    ...(env.toxiproxy === undefined ? {} : { toxiproxy: env.toxiproxy.api }),
    proxies: (env.toxiproxy?.proxies ?? []).map(
      (p) => `${p.name}: ${p.from === 'client' ? 'clients' : `broker ${p.from}`} → broker ${p.to}${p.kind === 'client' ? '' : ` (${p.kind})`}`,
    ),
    possible,
    impossible,
  };
}

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
      `producer ${p.name} → ${p.topic}: ${p.rate} records/s over ${p.keys} keys, ${p.payloadBytes} B, acks=${p.acks}${p.idempotent ? ', idempotent' : ''}${p.transactional ? ', transactional' : ''}${p.instances > 1 ? `, ${p.instances} instances` : ''}`,
    );
  }
  if (plan.processor !== undefined) {
    const pr = plan.processor;
    lines.push(
      `processor ${pr.input} → ${pr.output}: ${pr.instances} instances, ${pr.mode}${pr.command === undefined ? '' : `, command ${pr.command.join(' ')}`}`,
    );
  }
  for (const c of plan.consumers ?? []) lines.push(`consumer ${c.name} ← ${c.topic}: group ${c.group}${c.instances > 1 ? `, ${c.instances} instances` : ''}`);
  lines.push('timeline:');
  if (plan.timeline.length === 0) lines.push('  (no faults)');
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
  return `${lines.join('\n')}\n`;
}
