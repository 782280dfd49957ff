import type { Rdkafka, RdkafkaModule } from '../cluster/librdkafka.js';
import { deliveryOutcome, producerConfig } from '../cluster/librdkafka.js';
import type { HistoryRecorder } from '../history/recorder.js';
import type { ProducerSpec } from '../schema/experiment.js';
import type { Random } from '../util/random.js';
import { sleep, withTimeout } from '../util/time.js';
import { DeliveryBatch, type Outcome } from './delivery-batch.js';
import { HEADER_CRC, HEADER_ID, HEADER_SENT } from './headers.js';
import type { LoadGenerator, ProducerStats } from './load-generator.js';
import { type Pending, RecordMaker } from './record-maker.js';
import { TokenBucket } from './token-bucket.js';

const TICK_MS = 5;
/** Records made per tick, at most: 50 ms of the rate, and at least 500. */
const OFFER_PER_TICK_MIN = 500;
/** A record not confirmed within this long is given up as indeterminate (librdkafka's message.timeout.ms). */
const DELIVERY_TIMEOUT_MS = 45_000;
/** Records of one partition not yet reported, at most this many seconds of the partition's rate (and at least 10): beyond that, its records are not offered. */
const BACKLOG_SECONDS = 2;
const BACKLOG_MIN = 10;
/** A transaction's begin, commit or abort (librdkafka retries inside it). */
const TXN_STEP_MS = 30_000;

type Delivery = { batch: DeliveryBatch; index: number };

/**
 * A load generator instance on Confluent's librdkafka client: offers `spec.rate / spec.instances`
 * records per second through a token bucket, one History batch per partition per tick, and
 * completes each batch from the delivery reports of its records (with their offsets). librdkafka
 * batches per partition itself, keeps several requests in flight with idempotence, and retries
 * without ever reusing a sequence number for other records, so one client serves every partition;
 * a partition whose leader is gone only stalls its own records, which stop being offered once
 * BACKLOG_SECONDS of them wait. A transactional producer sends one transaction at a time.
 */
export class RdkafkaLoadProducer implements LoadGenerator {
  readonly stats: ProducerStats = { sent: 0, acked: 0, failed: 0, indeterminate: 0 };
  private running = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private batch = 0;
  private readonly records: RecordMaker;
  private readonly waiting: number[];
  private readonly open = new Set<DeliveryBatch>();
  private producer: Rdkafka.Producer | undefined;
  private readonly transactional: boolean;

  constructor(
    readonly process: string,
    private readonly spec: ProducerSpec,
    private readonly partitions: number,
    private readonly bootstrap: string,
    private readonly history: HistoryRecorder,
    random: Random,
    private readonly log: (line: string) => void,
    private readonly rd: RdkafkaModule,
    private readonly alsoIdHeader?: string,
  ) {
    this.records = new RecordMaker(process, spec.topic, partitions, spec.keys, spec.payloadBytes, random);
    this.waiting = new Array<number>(partitions).fill(0);
    this.transactional = spec.transactions !== undefined;
  }

  async start(): Promise<void> {
    this.producer = await this.connect();
    if (this.stopped) return this.disconnect();
    this.running = true;
    this.loop = this.transactional ? this.offerTransactions() : this.offer();
  }

  private async connect(): Promise<Rdkafka.Producer> {
    const producer = new this.rd.Producer(
      producerConfig({
        clientId: this.process,
        bootstrap: this.bootstrap,
        idempotent: this.spec.idempotent,
        acks: ACKS[this.spec.acks],
        deliveryTimeoutMs: DELIVERY_TIMEOUT_MS,
        ...(this.transactional ? { transactionalId: `streamchaos-${this.process}` } : {}),
      }),
    );
    producer.on('delivery-report', (err, report) => this.delivered(err, report));
    producer.on('event.error', (e) => {
      this.log(`[${this.process} librdkafka] ${e.message}`);
      if (e.isFatal === true && this.producer === producer) void this.replace();
    });
    await withTimeout(
      new Promise<void>((resolve, reject) => producer.connect({ timeout: 30_000 }, (err) => (err ? reject(new Error(err.message)) : resolve()))),
      35_000,
      `${this.process} to connect`,
    );
    producer.setPollInBackground(true);
    if (this.transactional) await this.step((cb) => producer.initTransactions(TXN_STEP_MS, cb), 'initialise transactions');
    return producer;
  }

  /**
   * A client in a fatal state (fenced, sequence numbers in doubt) or a transaction in doubt: a
   * fresh client. Records offered meanwhile are refused (failed: never sent); the old client's
   * records in flight still get their reports before it is closed.
   */
  private replacing: Promise<void> | undefined;
  private replace(): Promise<void> {
    this.replacing ??= (async () => {
      const old = this.producer;
      this.producer = undefined;
      if (old !== undefined)
        void withTimeout(new Promise<void>((r) => old.flush(DELIVERY_TIMEOUT_MS, () => r())), DELIVERY_TIMEOUT_MS + 5000, 'flush')
          .catch(() => undefined)
          .then(() => old.disconnect(5000));
      while (this.running) {
        try {
          this.producer = await this.connect();
          return;
        } catch (e) {
          this.log(`${this.process}: reconnect failed: ${describe(e)}`);
          await sleep(100);
        }
      }
    })().finally(() => {
      this.replacing = undefined;
    });
    return this.replacing;
  }

  /** Stops offering load, waits (bounded) for the reports of what was sent, disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    await this.loop;
    const producer = this.producer;
    if (producer !== undefined && this.open.size > 0) {
      await new Promise<void>((resolve) => producer.flush(DELIVERY_TIMEOUT_MS + 5000, () => resolve()));
    }
    // a batch still open has records no report came for: they stay without a completion (indeterminate)
    for (const b of this.open) this.complete(b);
    await this.disconnect();
  }

  private async offer(): Promise<void> {
    const rate = this.spec.rate / this.spec.instances;
    const bucket = new TokenBucket(rate, Math.max(rate * 2, 10), Date.now);
    const backlog = Math.max(BACKLOG_MIN, Math.ceil((rate / this.partitions) * BACKLOG_SECONDS));
    const perTick = Math.max(OFFER_PER_TICK_MIN, Math.ceil(rate / 20));
    while (this.running) {
      const n = bucket.take(perTick);
      const byPartition = new Map<number, Pending[]>();
      for (let i = 0; i < n; i++) {
        const { key, partition } = this.records.key();
        if (this.waiting[partition]! >= backlog) continue; // this partition is stalled: not offered
        this.waiting[partition]!++;
        const list = byPartition.get(partition) ?? byPartition.set(partition, []).get(partition)!;
        list.push(this.records.record(key, partition));
      }
      for (const [partition, pending] of byPartition) this.send(pending, partition);
      await sleep(TICK_MS);
    }
  }

  /** Invokes one batch in the History and hands its records to librdkafka; a record it refuses at once is failed (never sent). */
  private send(pending: Pending[], partition: number | undefined, batch = new DeliveryBatch(++this.batch, pending.length)): void {
    const time = Date.now();
    this.stats.sent += pending.length;
    this.history.record({
      type: 'send',
      phase: 'invoke',
      time,
      process: this.process,
      batch: batch.batch,
      topic: this.spec.topic,
      ...(partition === undefined ? {} : { partition }),
      records: pending.map((r) => ({ id: r.id, key: r.key, crc: r.crc })),
    });
    this.open.add(batch);
    const sent = String(time);
    for (const [index, r] of pending.entries()) {
      const headers: Rdkafka.MessageHeader[] = [{ [HEADER_ID]: r.id }, { [HEADER_SENT]: sent }, { [HEADER_CRC]: String(r.crc) }];
      if (this.alsoIdHeader !== undefined && this.alsoIdHeader !== HEADER_ID) headers.push({ [this.alsoIdHeader]: r.id });
      const opaque: Delivery = { batch, index };
      try {
        if (this.producer === undefined) throw new Error('no producer connected');
        this.producer.produce(this.spec.topic, r.partition, r.value, r.key, time, opaque, headers);
      } catch (e) {
        this.settle(batch, index, r.partition, 'fail', undefined, describe(e));
      }
    }
  }

  private delivered(err: Rdkafka.LibrdKafkaError | null | undefined, report: Rdkafka.DeliveryReport): void {
    const d = report.opaque as Delivery | undefined;
    if (d === undefined) return;
    if (err) this.settle(d.batch, d.index, report.partition, this.spec.acks === 'none' ? 'info' : deliveryOutcome(err.code), undefined, err.message);
    else if (this.spec.acks === 'none') this.settle(d.batch, d.index, report.partition, 'info', undefined, 'acks=none: the broker never confirms');
    else this.settle(d.batch, d.index, report.partition, this.transactional ? 'info' : 'ok', report.offset);
  }

  /** One record's outcome; a transaction's records are settled for good by its commit or abort. */
  private settle(batch: DeliveryBatch, index: number, partition: number, outcome: Outcome, offset?: number, error?: string): void {
    if (this.transactional) {
      if (batch !== this.txn?.batch) return; // a straggler of a transaction already ended
      this.txn.reports.set(index, { offset, error });
      if (outcome === 'fail' && offset === undefined) this.txn.refused = true;
      return;
    }
    if (this.waiting[partition] !== undefined && this.waiting[partition]! > 0) this.waiting[partition]!--;
    if (batch.report(index, outcome, offset, error)) this.complete(batch);
  }

  private complete(batch: DeliveryBatch): void {
    if (!this.open.delete(batch)) return;
    for (const c of batch.completions(this.process, Date.now())) {
      const n = c.count ?? batch.size;
      this.stats[c.phase === 'ok' ? 'acked' : c.phase === 'fail' ? 'failed' : 'indeterminate'] += n;
      this.history.record(c);
    }
    this.stats.indeterminate += batch.pending;
  }

  /** The transaction in progress: its batch, what the delivery reports of its records said, and whether a record was refused at once. */
  private txn: { batch: DeliveryBatch; reports: Map<number, { offset: number | undefined; error: string | undefined }>; refused: boolean } | undefined;

  /** Transactions of `recordsPerTransaction` records, one at a time, at the offered rate. */
  private async offerTransactions(): Promise<void> {
    const size = this.spec.transactions?.recordsPerTransaction ?? 1;
    const rate = this.spec.rate / this.spec.instances;
    const bucket = new TokenBucket(rate, Math.max(rate * 2, size), Date.now);
    const queue: Pending[] = [];
    const backlog = Math.max(size, Math.ceil(rate * BACKLOG_SECONDS));
    while (this.running) {
      const n = bucket.take(Math.max(OFFER_PER_TICK_MIN, size));
      for (let i = 0; i < n; i++) {
        const { key, partition } = this.records.key();
        if (queue.length < backlog) queue.push(this.records.record(key, partition));
      }
      if (queue.length === 0) {
        await sleep(TICK_MS);
        continue;
      }
      await this.transaction(queue.splice(0, size));
    }
  }

  private async transaction(pending: Pending[]): Promise<void> {
    const producer = this.producer;
    if (producer === undefined) return;
    try {
      await this.step((cb) => producer.beginTransaction(cb), 'begin a transaction');
    } catch (e) {
      this.history.record({ type: 'event', kind: 'note', time: Date.now(), name: `${this.process}: ${describe(e)}` });
      await sleep(100);
      return; // nothing invoked yet
    }
    const batch = new DeliveryBatch(++this.batch, pending.length);
    const txn = { batch, reports: new Map<number, { offset: number | undefined; error: string | undefined }>(), refused: false };
    this.txn = txn;
    this.send(pending, undefined, batch);
    let outcome: Outcome = 'info';
    let error: string | undefined;
    try {
      // a record refused at once is not in the transaction: committing the rest would tear it
      if (txn.refused) throw new Error('a record was refused before it was sent; the transaction is aborted');
      await this.step((cb) => producer.commitTransaction(TXN_STEP_MS, cb), 'commit');
      outcome = 'ok';
    } catch (e) {
      error = describe(e);
      // not committed: only a confirmed abort makes the records definitely absent
      outcome = await this.step((cb) => producer.abortTransaction(TXN_STEP_MS, cb), 'abort').then(
        () => 'fail' as const,
        () => 'info' as const,
      );
    }
    this.txn = undefined;
    for (let i = 0; i < batch.size; i++) {
      const r = txn.reports.get(i);
      batch.report(i, outcome, outcome === 'ok' ? r?.offset : undefined, error ?? r?.error);
    }
    this.complete(batch);
    if (outcome === 'info') await this.replace(); // in doubt: a fresh client (and epoch) for the next transaction
  }

  /** A callback-style librdkafka call as a promise, bounded. */
  private step(call: (cb: (err: Rdkafka.LibrdKafkaError | null) => void) => void, what: string): Promise<void> {
    return withTimeout(
      new Promise<void>((resolve, reject) => call((err) => (err ? reject(new Error(`${what}: ${err.message}`)) : resolve()))),
      TXN_STEP_MS + 5000,
      `${this.process} to ${what}`,
    );
  }

  private async disconnect(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    if (p === undefined) return;
    await withTimeout(new Promise<void>((resolve) => p.disconnect(10_000, () => resolve())), 15_000, `${this.process} to disconnect`).catch(() => undefined);
  }
}

const ACKS = { all: -1, leader: 1, none: 0 } as const;

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));
