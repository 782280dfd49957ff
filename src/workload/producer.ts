import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import kafkajs, { type Message, type PartitionMetadata, type Producer, type Transaction } from 'kafkajs';
import type { HistoryRecorder } from '../history/recorder.js';
import type { SentRecord } from '../history/types.js';
import type { ProducerSpec } from '../spec/experiment.js';
import { sleep, withTimeout } from '../util/time.js';
import { registerCodecs } from './codecs.js';
import { HEADER_CRC, HEADER_ID, HEADER_SENT } from './headers.js';
import type { Random } from './random.js';
import { TokenBucket } from './token-bucket.js';

const TICK_MS = 5;
const MAX_BATCH = 500;
/** A send that takes longer is abandoned as indeterminate and its client replaced: kafkajs can hang on a dropped connection. */
const SEND_DEADLINE_MS = 45_000;

export interface ProducerStats {
  sent: number;
  acked: number;
  failed: number;
  indeterminate: number;
}

/**
 * One load generator instance: offers `spec.rate / spec.instances` records per second through
 * a token bucket, one send (or one transaction) in flight at a time, and records every batch in
 * the History when invoked and when completed (ok / fail / info).
 */
export class LoadProducer {
  readonly stats: ProducerStats = { sent: 0, acked: 0, failed: 0, indeterminate: 0 };
  private running = false;
  private loop: Promise<void> | undefined;
  private producer: Producer | undefined;
  private seq = 0;
  private batch = 0;
  private readonly partitioner = kafkajs.Partitioners.DefaultPartitioner();
  private readonly partitionMetadata: PartitionMetadata[];

  constructor(
    readonly process: string,
    private readonly spec: ProducerSpec,
    /** How many partitions `spec.topic` has. */
    partitions: number,
    private readonly bootstrap: string,
    private readonly history: HistoryRecorder,
    private readonly random: Random,
    private readonly log: (line: string) => void,
  ) {
    this.partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [], isr: [] }));
  }

  async start(): Promise<void> {
    this.producer = await this.connect();
    this.running = true;
    this.loop = this.run();
  }

  /** Stops offering load, waits for the send in flight (bounded), disconnects. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.disconnect();
  }

  private async run(): Promise<void> {
    const rate = this.spec.rate / this.spec.instances;
    const bucket = new TokenBucket(rate, Math.max(rate * 2, 10), Date.now);
    const maxBatch = this.spec.transactions?.recordsPerTransaction ?? MAX_BATCH;
    while (this.running) {
      const n = bucket.take(maxBatch);
      if (n > 0) await this.sendBatch(n);
      else await sleep(TICK_MS);
    }
  }

  /**
   * Makes `n` records and sends them, one partition per request. kafkajs sends a multi-broker
   * batch with Promise.all and, when one broker's request fails while another's is still in
   * flight, retries the unfinished one with fresh sequence numbers: the broker then accepts
   * the same records twice (we caught this duplicating inside committed transactions on
   * Kafka 4.3). A request that goes to one partition, hence one broker, cannot race that way.
   */
  private async sendBatch(n: number): Promise<void> {
    const now = Date.now();
    const groups = new Map<number, { records: SentRecord[]; messages: Message[] }>();
    for (let i = 0; i < n; i++) {
      const id = `${this.process}:${this.seq++}`;
      const key = `k${this.random.int(this.spec.keys)}`;
      const value = randomBytes(this.spec.payloadBytes);
      const crc = crc32(value);
      const partition = this.partitionOf(key);
      const group = groups.get(partition) ?? groups.set(partition, { records: [], messages: [] }).get(partition)!;
      group.records.push({ id, key, crc });
      group.messages.push({ key, value, partition, headers: { [HEADER_ID]: id, [HEADER_SENT]: String(now), [HEADER_CRC]: String(crc) } });
    }
    const producer = this.producer;
    if (this.spec.transactions !== undefined) {
      const records = [...groups.values()].flatMap((g) => g.records);
      const complete = this.invoke(records, now);
      if (producer === undefined) return complete('fail', 'no producer connected');
      try {
        await this.sendTransaction(producer, [...groups.values()].map((g) => g.messages), complete);
      } catch (e) {
        complete('info', e);
        await this.replaceProducer();
      }
      return;
    }
    for (const [partition, group] of groups) {
      const complete = this.invoke(group.records, now, partition);
      if (this.producer === undefined) {
        complete('fail', 'no producer connected');
        continue;
      }
      try {
        await withTimeout(this.producer.send({ topic: this.spec.topic, acks: ACKS[this.spec.acks], messages: group.messages }), SEND_DEADLINE_MS, `${this.process} send`);
        complete(this.spec.acks === 'none' ? 'info' : 'ok', this.spec.acks === 'none' ? 'acks=none: the broker never confirms' : undefined);
      } catch (e) {
        complete('info', e);
        await this.replaceProducer();
      }
    }
  }

  /** Records the invocation of a batch; returns how to record its completion (once). */
  private invoke(records: SentRecord[], time: number, partition?: number): (phase: 'ok' | 'fail' | 'info', error?: unknown) => void {
    const batch = ++this.batch;
    this.stats.sent += records.length;
    this.history.record({ type: 'send', phase: 'invoke', time, process: this.process, batch, topic: this.spec.topic, ...(partition === undefined ? {} : { partition }), records });
    return (phase, error) => {
      this.stats[phase === 'ok' ? 'acked' : phase === 'fail' ? 'failed' : 'indeterminate'] += records.length;
      this.history.record({ type: 'send', phase, time: Date.now(), process: this.process, batch, ...(error === undefined ? {} : { error: describe(error) }) });
    };
  }

  /** The partition kafkajs's default (Java-compatible, murmur2) partitioner gives this key. */
  private partitionOf(key: string): number {
    return this.partitioner({ topic: this.spec.topic, partitionMetadata: this.partitionMetadata, message: { key, value: null } });
  }

  private async sendTransaction(
    producer: Producer,
    perPartition: Message[][],
    complete: (phase: 'ok' | 'fail' | 'info', error?: unknown) => void,
  ): Promise<void> {
    let tx: Transaction | undefined;
    try {
      tx = await withTimeout(producer.transaction(), SEND_DEADLINE_MS, `${this.process} begin transaction`);
      for (const messages of perPartition) {
        await withTimeout(tx.send({ topic: this.spec.topic, messages }), SEND_DEADLINE_MS, `${this.process} transactional send`);
      }
    } catch (e) {
      // not committed: abort, and only a confirmed abort makes the records definitely absent
      const aborted = tx === undefined ? false : await withTimeout(tx.abort(), 10_000, 'abort').then(() => true, () => false);
      complete(aborted ? 'fail' : 'info', e);
      if (!aborted) await this.replaceProducer();
      return;
    }
    await withTimeout(tx.commit(), SEND_DEADLINE_MS, `${this.process} commit`); // throws → info, handled by the caller
    complete('ok');
  }

  private async connect(): Promise<Producer> {
    registerCodecs();
    const { Kafka, logLevel } = kafkajs;
    const kafka = new Kafka({
      clientId: this.process,
      brokers: this.bootstrap.split(','),
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      // reconnect promptly once a fault heals: recovery is timed by when acks resume, so a
      // client backing off for seconds would be measured as outage (see RETRY)
      retry: RETRY,
      logLevel: logLevel.ERROR,
      logCreator: () => (entry) => this.log(`[${this.process} kafkajs] ${entry.log.message}`),
    });
    const transactional = this.spec.transactions !== undefined;
    const producer = kafka.producer({
      idempotent: this.spec.idempotent,
      maxInFlightRequests: this.spec.idempotent ? 1 : 5,
      ...(transactional ? { transactionalId: `streamchaos-${this.process}`, transactionTimeout: 30_000 } : {}),
      retry: RETRY,
    });
    await withTimeout(producer.connect(), 30_000, `${this.process} to connect`);
    return producer;
  }

  /** After an unknown outcome the client may be wedged (fenced, stuck connection): start a fresh one. */
  private async replaceProducer(): Promise<void> {
    await this.disconnect();
    while (this.running) {
      try {
        this.producer = await this.connect();
        return;
      } catch (e) {
        this.log(`${this.process}: reconnect failed: ${describe(e)}`);
        await sleep(RECONNECT_MS);
      }
    }
  }

  private async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p !== undefined) await withTimeout(p.disconnect(), 10_000, `${this.process} to disconnect`).catch(() => undefined);
  }
}

const ACKS = { all: -1, leader: 1, none: 0 } as const;

/**
 * Quick first retries (right after a commit the coordinator answers CONCURRENT_TRANSACTIONS
 * until its markers are written, a few ms), and a backoff capped at 100 ms so the producer
 * notices within about that much that a fault has healed (with a 250 ms cap, a 5 s outage was
 * measured 0.22 s long); 60 retries keep trying for about 6 s before the send is given up as
 * indeterminate and the client replaced.
 */
const RETRY = { retries: 60, initialRetryTime: 20, maxRetryTime: 100 };
/** Between attempts to connect a replacement client. */
const RECONNECT_MS = 100;

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
