import { describeTarget, type ExperimentSpec, type FaultSpec, type TargetRule } from '../schema/experiment.js';
import { faultsToWaitFor, type JudgedTopic, type Plan } from '../history/plan.js';
import { environmentBrokerIds } from '../schema/environment.js';
import { externalCapabilities } from '../schema/external-faults.js';
import type { ExternalEnvironmentSpec } from '../schema/external-environment.js';
import { Random } from '../util/random.js';
import type { KafkaClientName } from '../schema/workload.js';

export type { Plan, PlannedFault } from '../history/plan.js';

/** The random stream of fault `index` for a seed: the same at plan time and at run time. */
export function faultRandom(seed: number, index: number): Random {
  return new Random(seed).fork(`fault-${index}`);
}

/** Whether the librdkafka client can run here (cluster/librdkafka.ts nativeClient()); assumed so when not said. */
export type LibrdkafkaStatus = { available: true } | { available: false; reason: string };

export function planExperiment(spec: ExperimentSpec, seed: number = spec.seed, options: { dryRun?: boolean; librdkafka?: LibrdkafkaStatus } = {}): Plan {
  const env = spec.environment;
  const librdkafka = options.librdkafka ?? { available: true };
  const fellBack: string[] = [];
  /** The client `who` runs on: the one asked for, unless that is librdkafka and it cannot run here. */
  const client = (who: string, asked: KafkaClientName): KafkaClientName => {
    if (asked === 'kafkajs' || librdkafka.available) return asked;
    fellBack.push(who);
    return 'kafkajs';
  };
  const ours = spec.workload.processor !== undefined && spec.workload.processor.command === undefined && spec.workload.processor.image === undefined;
  const brokerIds = environmentBrokerIds(env);
  const processor = spec.workload.processor;
  const processors = processor?.instances ?? 0;
  const partitions = Object.fromEntries(env.topics.map((t) => [t.name, t.partitions]));
  const brokerMinIsr = env.runtime === 'external' ? undefined : env.brokers.config['min.insync.replicas'];
  const minIsr = Object.fromEntries(env.topics.map((t) => [t.name, Number(t.config['min.insync.replicas'] ?? brokerMinIsr ?? 1)]));
  const group = processor === undefined ? undefined : processorGroupId(processor.input);
  return {
    name: spec.name,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    seed,
    durationMs: spec.durationMs,
    environment: {
      name: env.name,
      brokers: brokerIds.length,
      ...(env.runtime === 'external' ? {} : { brokerIds }),
      kafka: env.runtime === 'external' ? "the cluster's own" : env.kafka.version,
      topics: env.topics.map((t) => t.name),
      partitions,
      minIsr,
    },
    judged: judgedTopics(spec),
    groups: [
      ...(processor === undefined || group === undefined ? [] : [{ group, topic: processor.input }]),
      ...(spec.workload.consumers ?? []).map((c) => ({ group: c.group, topic: c.topic })),
    ],
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
      partitions: partitions[p.topic] ?? 1,
      ...(processor !== undefined && processor.input === p.topic ? { alsoIdHeader: processor.idHeader } : {}),
      client: client(p.name, p.client),
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
            group: processorGroupId(spec.workload.processor.input),
            idHeader: spec.workload.processor.idHeader,
            outputPartitions: partitions[spec.workload.processor.output] ?? 1,
            ...(ours ? { client: client('the processor', spec.workload.processor.client) } : {}),
          },
        }),
    ...(spec.workload.consumers === undefined ? {} : { consumers: spec.workload.consumers.map((c) => ({ ...c, client: client(c.name, c.client) })) }),
    timeline: spec.timeline.map((f, index) => {
      const waitsFor = faultsToWaitFor(spec.timeline, index);
      return {
        index,
        name: f.name,
        kind: f.kind,
        atMs: f.atMs,
        ...(f.healAtMs === undefined ? {} : { healAtMs: f.healAtMs }),
        target: targetText(f, faultRandom(seed, index), brokerIds, processors),
        ...(waitsFor.length === 0 ? {} : { waitsFor }),
      };
    }),
    steadyState: spec.steadyState,
    slos: spec.slos,
    ...(spec.runbook === undefined ? {} : { runbook: spec.runbook }),
    ...(fellBack.length === 0 || librdkafka.available ? {} : { clientFallback: { reason: librdkafka.reason, clients: fellBack } }),
  };
}

/** The consumer group of the processor reading `input`. */
export function processorGroupId(input: string): string {
  return `streamchaos-processor-${input}`;
}

/**
 * What the verdict judges. With a processor: its output against its input. Every topic
 * producers write to that no processor reads is judged against itself (produce, then read
 * back), so a second producer's topic is never left unchecked.
 */
function judgedTopics(spec: ExperimentSpec): JudgedTopic[] {
  const processor = spec.workload.processor;
  const judged: JudgedTopic[] = processor === undefined ? [] : [{ input: [processor.input], output: processor.output, idHeader: processor.idHeader }];
  for (const topic of new Set(spec.workload.producers.map((p) => p.topic))) {
    if (topic !== processor?.input && topic !== processor?.output) judged.push({ input: [topic], output: topic });
  }
  return judged;
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
