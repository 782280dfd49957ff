import kafkajs, { type Consumer } from 'kafkajs';
import type { ConsumerSpec } from '../schema/experiment.js';
import { withTimeout } from '../util/time.js';
import { registerCodecs } from '../cluster/codecs.js';
import { fixConsumerStopRace } from '../cluster/kafkajs-stop-race.js';
import { kafkajsSecurity } from '../cluster/security.js';
import { nativeClient } from '../cluster/librdkafka.js';
import { RdkafkaConsumerGroupLoad } from './rdkafka-consumer.js';

/** A consumer group of the workload, whichever client it runs on. */
export interface ConsumerLoad {
  readonly spec: ConsumerSpec;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The consumer group `spec` on `client`, as the plan chose it (librdkafka only where it loads: never a silent kafkajs). */
export function createConsumerGroupLoad(client: string, spec: ConsumerSpec, bootstrap: string, log: (line: string) => void): ConsumerLoad {
  if (client !== 'librdkafka') return new ConsumerGroupLoad(spec, bootstrap, log);
  const native = nativeClient();
  if (!native.available) throw new Error(`${spec.name} is to run on librdkafka, which is not available: ${native.reason}`);
  return new RdkafkaConsumerGroupLoad(spec, bootstrap, log, native.module);
}

/** How long one consumer may take to leave its group and disconnect (kafkajs retries brokers that are gone). */
const DISCONNECT_MS = 10_000;

/**
 * A consumer group of the workload: `spec.instances` read_committed kafkajs consumers reading
 * `spec.topic` through the client links (so faults reach them, as they would a downstream
 * application), committing their offsets every second. Their lag is what the lag SLOs hold.
 * A consumer that crashes on a fault restarts itself (kafkajs restartOnFailure).
 */
export class ConsumerGroupLoad implements ConsumerLoad {
  private readonly consumers: Consumer[] = [];
  private stopped = false;

  constructor(
    readonly spec: ConsumerSpec,
    private readonly bootstrap: string,
    private readonly log: (line: string) => void,
  ) {}

  async start(): Promise<void> {
    registerCodecs();
    fixConsumerStopRace(); // a stop during a fetcher rebalance must not freeze the process
    const { Kafka, logLevel } = kafkajs;
    for (let i = 1; i <= this.spec.instances; i++) {
      const name = this.spec.instances === 1 ? this.spec.name : `${this.spec.name}-${i}`;
      const kafka = new Kafka({
        clientId: name,
        brokers: this.bootstrap.split(','),
        ...kafkajsSecurity(this.bootstrap),
        connectionTimeout: 3000,
        requestTimeout: 10_000,
        logLevel: logLevel.ERROR,
        logCreator: () => (entry) => this.log(`[${name} kafkajs] ${entry.log.message}`),
      });
      const consumer = kafka.consumer({
        groupId: this.spec.group,
        readUncommitted: false,
        sessionTimeout: 10_000,
        heartbeatInterval: 1000,
        maxWaitTimeInMs: 500,
        retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 2000, restartOnFailure: async () => !this.stopped },
      });
      if (this.stopped) return; // the run ended while this one started: it joins nothing
      this.consumers.push(consumer);
      await withTimeout(consumer.connect(), 30_000, `${name} to connect`);
      if (this.stopped) return; // stop() has disconnected it (and is waiting for that)
      await withTimeout(consumer.subscribe({ topic: this.spec.topic, fromBeginning: true }), 30_000, `${name} to subscribe to ${this.spec.topic}`);
      if (this.stopped) return;
      const joined = joinedGroup(consumer);
      await withTimeout(
        consumer.run({ autoCommit: true, autoCommitInterval: 1000, eachMessage: async () => undefined }),
        60_000,
        `${name} to join group ${this.spec.group} and start consuming`,
      );
      await withTimeout(joined, 30_000, `${name} to join group ${this.spec.group}`);
    }
  }

  /** Disconnects every consumer, each bounded; a start still in progress makes no more of them and starts none of those stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    const consumers = this.consumers.splice(0);
    await Promise.all(consumers.map((c) => withTimeout(c.disconnect(), DISCONNECT_MS, `${this.spec.name} to disconnect`).catch(() => undefined)));
  }
}

/** Resolves when the consumer has joined its group and holds its partitions. */
function joinedGroup(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
}
