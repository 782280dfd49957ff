/**
 * The `workload` section of an experiment: producers that offer load, an optional processor
 * between two topics, optional consumer groups reading a topic, and how long the processor may take to catch up once load stops.
 */
import { z } from 'zod';
import type { Collector } from './collector.js';
import { displayName } from './display-name.js';
import { duration } from './duration.js';
import type { EnvironmentSpec } from './environment.js';
import type { ConsumerSpec, ExperimentSpec, ProcessorSpec, ProducerSpec } from './experiment.js';
import { choice, describeValue, expected, imageReference, mapping, wholeNumber } from './fields.js';
import { credentialsInUrlMessage, textHasUrlCredentials } from './credentials.js';
import { count, LIMITS } from './limits.js';
import type { PathSegment } from './locate.js';
import { environmentVariables } from './settings.js';
import { unknownTopicMessage } from './target-rules.js';
import { field } from './view.js';

export const MAX_RATE = 100_000;

/**
 * The Kafka clients the harness's own producers, processor and consumers can run on:
 * kafkajs, or Confluent's librdkafka client. kafkajs stays the default until the librdkafka
 * processor passes the zombie experiments and the librdkafka producer's acks are as even as
 * the recovery clock needs (docs/design-notes.md: "librdkafka is a choice, not yet the default").
 */
export const KAFKA_CLIENTS = ['librdkafka', 'kafkajs'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];
export const DEFAULT_CLIENT: KafkaClientName = 'kafkajs';
const client = choice(KAFKA_CLIENTS).default(DEFAULT_CLIENT);

const topic = z.string({ error: expected('a topic name') });
const nonEmpty = (what: string) => z.string({ error: expected(what) }).refine((s) => s.trim() !== '', { error: `expected ${what}, received an empty string` });

const rate = z.number({ error: expected(`records per second, a number from more than 0 to ${MAX_RATE}`) }).refine((n) => n > 0 && n <= MAX_RATE, {
  error: (issue) => `must be more than 0 and at most ${MAX_RATE} records per second, got ${String(issue.input)}`,
});

export const producerFields = {
  name: displayName('a producer name').optional(),
  topic,
  rate,
  keys: wholeNumber(1, 1_000_000).default(100),
  payloadBytes: wholeNumber(1, 1_048_576).default(256),
  acks: choice(['all', 'leader', 'none']).default('all'),
  idempotent: z.boolean({ error: expected('true or false') }).default(true),
  transactions: mapping({ recordsPerTransaction: wholeNumber(1, 10_000) }, 'a mapping with recordsPerTransaction').optional(),
  instances: wholeNumber(1, 16).default(1),
  client,
};

const command = z
  .array(
    nonEmpty('a command-line argument').refine((a) => !textHasUrlCredentials(a), {
      message: credentialsInUrlMessage('an argument of the command', 'keep secrets out of experiment files'),
    }),
    { error: expected('a command as a list of strings, e.g. [node, my-processor.js]') },
  )
  .min(1, { message: 'the command is empty; write the program and its arguments, e.g. [node, my-processor.js]' });

export const processorFields = {
  input: topic,
  output: topic,
  instances: wholeNumber(1, 8).default(2),
  mode: choice(['exactly-once', 'at-least-once']).default('exactly-once'),
  command: command.optional(),
  image: imageReference().optional(),
  env: environmentVariables().optional(),
  idHeader: nonEmpty('a record header name').default('sc-id'),
  /** The client of streamchaos's own processor; a processor of your own (command, image) brings its own. */
  client: choice(KAFKA_CLIENTS).optional(),
};

export const consumerFields = {
  name: displayName('a consumer name').optional(),
  topic,
  group: displayName('a consumer group id').optional(),
  instances: wholeNumber(1, 8).default(1),
  client,
};

export const workloadFields = { producers: z.unknown(), processor: z.unknown(), consumers: z.unknown(), drain: duration('positive').default(60_000) };

export interface ParsedWorkload {
  workload: ExperimentSpec['workload'] | undefined;
  /** Processor instances, 'none' without a processor, undefined when the processor is invalid. */
  processors: number | 'none' | undefined;
}

/** Parses `workload` (raw data at that path); reports its problems to `c`. `env` is undefined when invalid. */
export function parseWorkload(c: Collector, raw: unknown, env: EnvironmentSpec | undefined): ParsedWorkload {
  const path = ['workload'];
  const parsed = c.fields(workloadFields, raw, path, 'a workload: a mapping with producers, and optionally a processor and drain');
  if (parsed === undefined) return { workload: undefined, processors: undefined };
  const rawProducers = field(raw, 'producers');
  const rawProcessor = field(raw, 'processor');
  const rawConsumers = field(raw, 'consumers');
  const consumers = rawConsumers === undefined ? [] : parseConsumers(c, rawConsumers, [...path, 'consumers'], env);
  const producers = parseProducers(c, rawProducers, [...path, 'producers'], env);
  const processor = rawProcessor === undefined ? undefined : parseProcessor(c, rawProcessor, [...path, 'processor'], env);
  if (processor?.spec && producers?.every((p) => p !== undefined)) {
    const { input } = processor.spec;
    if (!producers.some((p) => p?.topic === input)) {
      c.add([...path, 'processor', 'input'], `no producer writes to '${input}', the processor's input: give at least one producer topic: ${input}`);
    }
  }
  const processors = rawProcessor === undefined ? 'none' : processor?.instances;
  const valid = producers?.filter((p): p is ProducerSpec => p !== undefined);
  const drainMs = parsed.values.drain;
  if (valid === undefined || valid.length !== producers?.length || drainMs === undefined || consumers === undefined) return { workload: undefined, processors };
  const withConsumers = consumers.length === 0 ? {} : { consumers };
  if (rawProcessor === undefined) return { workload: { producers: valid, ...withConsumers, drainMs }, processors };
  if (processor?.spec === undefined) return { workload: undefined, processors };
  return { workload: { producers: valid, processor: processor.spec, ...withConsumers, drainMs }, processors };
}

function parseProducers(c: Collector, raw: unknown, path: PathSegment[], env: EnvironmentSpec | undefined): Array<ProducerSpec | undefined> | undefined {
  if (!Array.isArray(raw)) {
    const example = 'a list of producers, e.g. [{ topic: orders, rate: 100 }]';
    c.add(path, raw === undefined ? `missing; expected ${example}` : `expected ${example}, received ${describeValue(raw)}`);
    return undefined;
  }
  if (raw.length > LIMITS.producers) {
    c.add(path, `${count(raw.length)} producers; at most ${count(LIMITS.producers)} are allowed in one workload`);
    return undefined;
  }
  if (raw.length === 0) c.add(path, 'no producers: an experiment needs at least one, e.g. [{ topic: orders, rate: 100 }]');
  const producers = raw.map((item: unknown, index) => parseProducer(c, item, [...path, index], index, env));
  const seen = new Map<string, number>();
  for (const [index, producer] of producers.entries()) {
    if (producer === undefined) continue;
    const earlier = seen.get(producer.name);
    if (earlier === undefined) seen.set(producer.name, index);
    else c.add([...path, index, 'name'], `producer '${producer.name}' is already defined at workload.producers[${earlier}]; producer names are unique`);
  }
  return raw.length === 0 ? undefined : producers;
}

function parseProducer(c: Collector, raw: unknown, path: PathSegment[], index: number, env: EnvironmentSpec | undefined): ProducerSpec | undefined {
  const parsed = c.fields(producerFields, raw, path, 'a producer: a mapping with at least topic and rate');
  if (parsed === undefined) return undefined;
  const { topic: name, acks, idempotent, transactions } = parsed.values;
  let valid = parsed.all !== undefined;
  if (name !== undefined && env !== undefined && !env.topics.some((t) => t.name === name)) {
    c.add([...path, 'topic'], unknownTopicMessage(name, env));
    valid = false;
  }
  if (idempotent === true && acks !== undefined && acks !== 'all') {
    c.add([...path, 'acks'], `an idempotent producer needs acks 'all'; to use acks '${acks}', set idempotent: false`);
    valid = false;
  }
  if (idempotent === false && transactions !== undefined) {
    c.add([...path, 'transactions'], 'transactions need an idempotent producer; remove idempotent: false');
    valid = false;
  }
  const all = parsed.all;
  if (!valid || all === undefined) return undefined;
  const { transactions: tx, name: given, ...rest } = all;
  return { name: given ?? `producer-${index + 1}`, ...rest, ...(tx === undefined ? {} : { transactions: tx }) };
}

/** Consumer groups that read a topic through the client links (as a downstream application would); their lag is measured. */
function parseConsumers(c: Collector, raw: unknown, path: PathSegment[], env: EnvironmentSpec | undefined): ConsumerSpec[] | undefined {
  if (!Array.isArray(raw)) {
    c.add(path, `expected a list of consumers, e.g. [{ topic: orders }], received ${describeValue(raw)}`);
    return undefined;
  }
  if (raw.length > LIMITS.consumers) {
    c.add(path, `${count(raw.length)} consumers; at most ${count(LIMITS.consumers)} are allowed in one workload`);
    return undefined;
  }
  const out: ConsumerSpec[] = [];
  let valid = true;
  raw.forEach((item: unknown, index) => {
    const at = [...path, index];
    const parsed = c.fields(consumerFields, item, at, 'a consumer: a mapping with at least topic');
    const all = parsed?.all;
    if (all === undefined) {
      valid = false;
      return;
    }
    if (env !== undefined && !env.topics.some((t) => t.name === all.topic)) {
      c.add([...at, 'topic'], unknownTopicMessage(all.topic, env));
      valid = false;
      return;
    }
    const name = all.name ?? `consumer-${index + 1}`;
    if (out.some((o) => o.name === name)) {
      c.add([...at, 'name'], `consumer '${name}' is already defined; consumer names are unique`);
      valid = false;
      return;
    }
    out.push({ name, topic: all.topic, group: all.group ?? `streamchaos-consumer-${name}`, instances: all.instances, client: all.client });
  });
  return valid ? out : undefined;
}

function parseProcessor(c: Collector, raw: unknown, path: PathSegment[], env: EnvironmentSpec | undefined): { spec?: ProcessorSpec; instances?: number } {
  const parsed = c.fields(processorFields, raw, path, 'a processor: a mapping with at least input and output');
  if (parsed === undefined) return {};
  const { input, output, instances } = parsed.values;
  let valid = parsed.all !== undefined;
  for (const [field, name] of [
    ['input', input],
    ['output', output],
  ] as const) {
    if (name === undefined || env === undefined || env.topics.some((t) => t.name === name)) continue;
    c.add([...path, field], unknownTopicMessage(name, env));
    valid = false;
  }
  if (input !== undefined && input === output) {
    c.add([...path, 'output'], `the processor's output must be another topic than its input ('${input}')`);
    valid = false;
  }
  const all = parsed.all;
  if (all !== undefined && all.client !== undefined && (all.command !== undefined || all.image !== undefined)) {
    c.add(
      [...path, 'client'],
      `client applies to streamchaos's own processor; yours (${all.command === undefined ? 'image' : 'command'}) uses the Kafka client it was built with: remove client`,
    );
    valid = false;
  }
  if (!valid || all === undefined) return { instances };
  const { command: cmd, image, env: vars, client: chosen, ...rest } = all;
  return {
    spec: {
      ...rest,
      client: chosen ?? DEFAULT_CLIENT,
      ...(cmd === undefined ? {} : { command: cmd }),
      ...(image === undefined ? {} : { image }),
      ...(vars === undefined ? {} : { env: vars }),
    },
    instances,
  };
}
