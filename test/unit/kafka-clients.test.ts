import { problems } from '../helpers/experiment-problems.js';
import { describe, expect, it } from 'vitest';
import { deliveryOutcome, nativeClient, RD, rdkafkaSecurity } from '../../src/cluster/librdkafka.js';
import { formatPlan } from '../../src/experiment/plan-text.js';
import { planExperiment } from '../../src/experiment/resolve-plan.js';
import { parseExperiment } from '../../src/schema/load-experiment.js';

const experiment = (...workload: string[]): string =>
  [
    'environment: {brokers: {count: 1}, topics: [{name: in, partitions: 2, replicationFactor: 1}, {name: out, partitions: 2, replicationFactor: 1}]}',
    'duration: 30s',
    'workload:',
    ...workload.map((l) => `  ${l}`),
  ].join('\n');

describe('client: which Kafka client the harness runs', () => {
  it('is kafkajs unless said (librdkafka is a choice, not yet the default), on producers, our processor and consumers', async () => {
    const spec = await parseExperiment(
      experiment('producers: [{topic: in, rate: 10}]', 'processor: {input: in, output: out}', 'consumers: [{topic: out}]'),
      'x.yaml',
    );
    expect([spec.workload.producers[0]?.client, spec.workload.processor?.client, spec.workload.consumers?.[0]?.client]).toEqual([
      'kafkajs',
      'kafkajs',
      'kafkajs',
    ]);
    const plan = planExperiment(spec, 1, { librdkafka: { available: false, reason: 'not built' } });
    expect([plan.producers[0]?.client, plan.processor?.client, plan.consumers?.[0]?.client]).toEqual(['kafkajs', 'kafkajs', 'kafkajs']);
    expect(plan.clientFallback).toBeUndefined();
  });

  it('takes librdkafka where asked and it loads', async () => {
    const spec = await parseExperiment(
      experiment(
        'producers: [{topic: in, rate: 10, client: librdkafka}]',
        'processor: {input: in, output: out, client: librdkafka}',
        'consumers: [{topic: out, client: librdkafka}]',
      ),
      'x.yaml',
    );
    const plan = planExperiment(spec, 1, { librdkafka: { available: true } });
    expect([plan.producers[0]?.client, plan.processor?.client, plan.consumers?.[0]?.client]).toEqual(['librdkafka', 'librdkafka', 'librdkafka']);
    expect(plan.clientFallback).toBeUndefined();
  });

  it('takes kafkajs where asked', async () => {
    const spec = await parseExperiment(
      experiment('producers: [{topic: in, rate: 10, client: kafkajs}]', 'processor: {input: in, output: out, client: kafkajs}'),
      'x.yaml',
    );
    const plan = planExperiment(spec, 1, { librdkafka: { available: false, reason: 'not built' } });
    expect([plan.producers[0]?.client, plan.processor?.client]).toEqual(['kafkajs', 'kafkajs']);
    expect(plan.clientFallback).toBeUndefined(); // nobody asked for librdkafka: nothing fell back
  });

  it('falls back to kafkajs where librdkafka does not load, and the plan says who and why', async () => {
    const spec = await parseExperiment(
      experiment(
        'producers: [{topic: in, rate: 10, client: librdkafka}, {name: other, topic: in, rate: 5}]',
        'processor: {input: in, output: out, client: librdkafka}',
        'consumers: [{topic: out, client: librdkafka}]',
      ),
      'x.yaml',
    );
    const plan = planExperiment(spec, 1, { librdkafka: { available: false, reason: 'its native module did not load: libssl.so.3: cannot open' } });
    expect(plan.producers.map((p) => p.client)).toEqual(['kafkajs', 'kafkajs']);
    expect(plan.clientFallback).toEqual({
      reason: 'its native module did not load: libssl.so.3: cannot open',
      clients: ['producer-1', 'the processor', 'consumer-1'],
    });
    const text = formatPlan(plan);
    expect(text).toContain(
      '! librdkafka is not available here (its native module did not load: libssl.so.3: cannot open): kafkajs runs producer-1, the processor, consumer-1 instead',
    );
    expect(text).toMatch(/producer producer-1 → in: .*, on kafkajs/);
  });

  it('is refused on a processor of your own, and an unknown client is named', async () => {
    expect(
      await problems(experiment('producers: [{topic: in, rate: 10}]', 'processor: {input: in, output: out, command: [node, p.js], client: kafkajs}')),
    ).toEqual([
      "x.yaml:5:70: workload.processor.client: client applies to streamchaos's own processor; yours (command) uses the Kafka client it was built with: remove client",
    ]);
    const [problem] = await problems(experiment('producers: [{topic: in, rate: 10, client: rdkafka}]'));
    expect(problem).toMatch(/workload\.producers\[0\]\.client: .*librdkafka.*kafkajs/);
  });
});

describe('librdkafka', () => {
  it('loads here, with every codec, or says why not', () => {
    const native = nativeClient();
    if (!native.available) throw new Error(`the librdkafka client does not load on this machine: ${native.reason} (scripts/install.sh builds it)`);
    expect(native.version).toMatch(/^2\./);
    expect(native.module.features).toEqual(expect.arrayContaining(['gzip', 'snappy', 'lz4', 'zstd', 'ssl', 'sasl_scram']));
  });

  it('takes a delivery error for definite only when the record never reached a broker, or a broker refused it', () => {
    expect(deliveryOutcome(RD.PURGE_QUEUE)).toBe('fail');
    expect(deliveryOutcome(RD.MSG_SIZE_TOO_LARGE)).toBe('fail');
    expect(deliveryOutcome(RD.TOPIC_AUTHORIZATION_FAILED)).toBe('fail');
    expect(deliveryOutcome(RD.MSG_TIMED_OUT)).toBe('info');
    expect(deliveryOutcome(RD.PURGE_INFLIGHT)).toBe('info');
    expect(deliveryOutcome(-195)).toBe('info'); // a transport error: it may have been written
  });

  it('maps TLS and SASL settings to librdkafka, and nothing for plain connections', () => {
    expect(rdkafkaSecurity(undefined)).toEqual({});
    expect(rdkafkaSecurity({ protocol: 'PLAINTEXT' })).toEqual({});
    expect(
      rdkafkaSecurity({
        protocol: 'SASL_SSL',
        tls: { ca: 'CA PEM', rejectUnauthorized: false },
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' },
      }),
    ).toEqual({
      'security.protocol': 'sasl_ssl',
      'ssl.ca.pem': 'CA PEM',
      'enable.ssl.certificate.verification': false,
      'ssl.endpoint.identification.algorithm': 'none',
      'sasl.mechanisms': 'SCRAM-SHA-512',
      'sasl.username': 'u',
      'sasl.password': 'p',
    });
  });
});
