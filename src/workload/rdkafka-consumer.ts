import { type Rdkafka, type RdkafkaModule, rdkafkaSecurity } from '../cluster/librdkafka.js';
import { securityOf } from '../cluster/security.js';
import type { ConsumerSpec } from '../schema/experiment.js';
import { withTimeout } from '../util/time.js';
import type { ConsumerLoad } from './consumer.js';

/** librdkafka's rebalance code for "partitions assigned" (RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS). */
const ASSIGN_PARTITIONS = -175;
const DISCONNECT_MS = 10_000;

/**
 * A consumer group of the workload on librdkafka: `spec.instances` read_committed consumers
 * reading `spec.topic` through the client links (so faults reach them, as they would a
 * downstream application), committing their offsets every second. Their lag is what the lag
 * SLOs hold. librdkafka reconnects and rejoins on its own after a fault.
 */
export class RdkafkaConsumerGroupLoad implements ConsumerLoad {
  private readonly consumers: Rdkafka.KafkaConsumer[] = [];
  private stopped = false;

  constructor(
    readonly spec: ConsumerSpec,
    private readonly bootstrap: string,
    private readonly log: (line: string) => void,
    private readonly rd: RdkafkaModule,
  ) {}

  async start(): Promise<void> {
    for (let i = 1; i <= this.spec.instances; i++) {
      if (this.stopped) return; // the run ended while this one started: it joins nothing
      const name = this.spec.instances === 1 ? this.spec.name : `${this.spec.name}-${i}`;
      const consumer = new this.rd.KafkaConsumer(
        {
          'client.id': name,
          'group.id': this.spec.group,
          'metadata.broker.list': this.bootstrap,
          ...rdkafkaSecurity(securityOf(this.bootstrap)),
          'isolation.level': 'read_committed',
          'enable.auto.commit': true,
          'auto.commit.interval.ms': 1000,
          'session.timeout.ms': 10_000,
          'heartbeat.interval.ms': 1000,
          'fetch.wait.max.ms': 500,
          'reconnect.backoff.ms': 20,
          'reconnect.backoff.max.ms': 100,
          'retry.backoff.ms': 20,
          'retry.backoff.max.ms': 100,
          rebalance_cb: true, // assign as librdkafka would, and say so ('rebalance' events)
        },
        { 'auto.offset.reset': 'earliest' },
      );
      consumer.on('event.error', (e) => this.log(`[${name} librdkafka] ${e.message}`));
      this.consumers.push(consumer);
      const joined = new Promise<void>((resolve) => {
        consumer.on('rebalance', (err) => {
          if (err.code === ASSIGN_PARTITIONS) resolve();
        });
      });
      await withTimeout(
        new Promise<void>((resolve, reject) => consumer.connect({ timeout: 30_000 }, (err) => (err ? reject(new Error(err.message)) : resolve()))),
        35_000,
        `${name} to connect`,
      );
      if (this.stopped) return; // stop() disconnects it
      consumer.subscribe([this.spec.topic]);
      consumer.consume(); // flowing mode: what it reads is dropped; its committed offsets are what counts
      await withTimeout(joined, 60_000, `${name} to join group ${this.spec.group}`);
    }
  }

  /** Disconnects every consumer (leaving the group), each bounded. */
  async stop(): Promise<void> {
    this.stopped = true;
    const consumers = this.consumers.splice(0);
    await Promise.all(
      consumers.map((c) =>
        withTimeout(new Promise<void>((resolve) => c.disconnect(() => resolve())), DISCONNECT_MS + 5000, `${this.spec.name} to disconnect`).catch(
          () => undefined,
        ),
      ),
    );
  }
}
