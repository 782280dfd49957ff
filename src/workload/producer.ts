import kafkajs, { type Message, type Producer, type Transaction } from 'kafkajs';
import type { HistoryRecorder } from '../history/recorder.js';
import type { SentRecord } from '../history/types.js';
import type { ProducerSpec } from '../schema/experiment.js';
import { sleep, withTimeout } from '../util/time.js';
import { registerCodecs } from '../cluster/codecs.js';
import type { Random } from '../util/random.js';
import { TokenBucket } from './token-bucket.js';
import { kafkajsSecurity } from '../cluster/security.js';
import { byPartition, type Pending, RecordMaker } from './record-maker.js';
import type { LoadGenerator, ProducerStats } from './load-generator.js';

const TICK_MS = 5;
/** Records a lane sends in one request, at most (and at most 512 KiB of values, well under a broker's 1 MiB message.max.bytes). */
const MAX_BATCH = 5000;
const MAX_BATCH_BYTES = 512 * 1024;
/**
 * Records made per tick, at most: 50 ms of the rate, and at least 500. A tick takes longer than
 * TICK_MS when the event loop is busy sending; a fixed cap of 500 a tick then capped the whole
 * generator near 14,000 records/s whatever the broker could take (npm run bench).
 */
const OFFER_PER_TICK_MIN = 500;
/** A send that takes longer is abandoned as indeterminate and its client replaced: kafkajs can hang on a dropped connection. */
const SEND_DEADLINE_MS = 45_000;

/** Records waiting in a lane while its partition is stalled, at most this many seconds of the lane's rate… */
const LANE_BACKLOG_SECONDS = 2;
/** …and at least this many. Beyond that, records for a stalled partition are not offered (the offered load drops, as it would in an application blocked on its producer). */
const LANE_BACKLOG_MIN = 10;

/** One partition's lane: its own client and its own queue, one send in flight at a time. */
interface Lane {
  partition: number;
  producer: Producer | undefined;
  queue: Pending[];
}

/**
 * One load generator instance: offers `spec.rate / spec.instances` records per second through
 * a token bucket, and records every batch in the History when invoked and when completed
 * (ok / fail / info).
 *
 * Each partition has its own lane: a kafkajs client of its own with one send in flight, as a
 * real producer batches per partition. A partition whose leader died stalls only its own lane
 * (kafkajs keeps retrying the dead broker until the controller moves leadership), not the
 * whole load; an indeterminate send replaces only that lane's client (a fresh producer id, so
 * kafkajs cannot reuse the sequence numbers of a batch that may have been written).
 * A transactional producer writes across partitions, so it has a single lane.
 */
export class LoadProducer implements LoadGenerator {
  readonly stats: ProducerStats = { sent: 0, acked: 0, failed: 0, indeterminate: 0 };
  private running = false;
  /** stop() was called: a start still connecting then offers no load. */
  private stopped = false;
  private loops: Promise<void>[] = [];
  private batch = 0;
  private readonly records: RecordMaker;
  private readonly lanes: Lane[];

  constructor(
    readonly process: string,
    private readonly spec: ProducerSpec,
    /** How many partitions `spec.topic` has. */
    partitions: number,
    private readonly bootstrap: string,
    private readonly history: HistoryRecorder,
    random: Random,
    private readonly log: (line: string) => void,
    /** Another header that carries the id too: the one a processor reading this topic is told to carry through. */
    private readonly alsoIdHeader?: string,
  ) {
    this.records = new RecordMaker(process, spec.topic, partitions, spec.keys, spec.payloadBytes, random);
    const lanes = spec.transactions === undefined ? partitions : 1;
    this.lanes = Array.from({ length: lanes }, (_, partition) => ({ partition, producer: undefined, queue: [] }));
  }

  /** Connects every lane and starts offering load; stopped meanwhile (the run ended while it connected), it disconnects instead. */
  async start(): Promise<void> {
    await Promise.all(this.lanes.map(async (lane) => (lane.producer = await this.connect(lane))));
    if (this.stopped) {
      await Promise.all(this.lanes.map((lane) => this.disconnect(lane)));
      return;
    }
    this.running = true;
    this.loops = [this.offer(), ...this.lanes.map((lane) => this.drive(lane))];
  }

  /** Stops offering load, waits for the sends in flight (bounded), disconnects. Records still queued were never sent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    await Promise.all(this.loops);
    await Promise.all(this.lanes.map((lane) => this.disconnect(lane)));
  }

  /** Makes records at the offered rate and queues each on its partition's lane. */
  private async offer(): Promise<void> {
    const rate = this.spec.rate / this.spec.instances;
    const bucket = new TokenBucket(rate, Math.max(rate * 2, 10), Date.now);
    const backlog = Math.max(LANE_BACKLOG_MIN, Math.ceil((rate / this.lanes.length) * LANE_BACKLOG_SECONDS));
    const perTick = Math.max(OFFER_PER_TICK_MIN, Math.ceil(rate / 20));
    while (this.running) {
      const n = bucket.take(perTick);
      for (let i = 0; i < n; i++) {
        const { key, partition } = this.records.key();
        const lane = this.lanes[this.spec.transactions === undefined ? partition : 0]!;
        if (lane.queue.length >= backlog) continue; // this partition is stalled: not offered
        lane.queue.push(this.records.record(key, partition));
      }
      await sleep(TICK_MS);
    }
  }

  /** Sends whatever the lane has queued, one send (or one transaction) at a time. */
  private async drive(lane: Lane): Promise<void> {
    const maxBatch =
      this.spec.transactions?.recordsPerTransaction ?? Math.max(1, Math.min(MAX_BATCH, Math.floor(MAX_BATCH_BYTES / (this.spec.payloadBytes + 100))));
    while (this.running) {
      if (lane.queue.length === 0) {
        await sleep(TICK_MS);
        continue;
      }
      await this.sendBatch(lane, lane.queue.splice(0, maxBatch));
    }
  }

  /**
   * Sends records, one partition per request. kafkajs sends a multi-broker
   * batch with Promise.all and, when one broker's request fails while another's is still in
   * flight, retries the unfinished one with fresh sequence numbers: the broker then accepts
   * the same records twice (we caught this duplicating inside committed transactions on
   * Kafka 4.3). A request that goes to one partition, hence one broker, cannot race that way.
   */
  private async sendBatch(lane: Lane, pending: Pending[]): Promise<void> {
    const now = Date.now();
    const groups = byPartition(pending, now, this.alsoIdHeader);
    const producer = lane.producer;
    if (this.spec.transactions !== undefined) {
      const records = [...groups.values()].flatMap((g) => g.records);
      const complete = this.invoke(records, now);
      if (producer === undefined) return complete('fail', 'no producer connected');
      try {
        await this.sendTransaction(
          lane,
          producer,
          [...groups.values()].map((g) => g.messages),
          complete,
        );
      } catch (e) {
        complete('info', e);
        await this.replaceProducer(lane);
      }
      return;
    }
    for (const [partition, group] of groups) {
      const complete = this.invoke(group.records, now, partition);
      if (lane.producer === undefined) {
        complete('fail', 'no producer connected');
        continue;
      }
      try {
        await withTimeout(
          lane.producer.send({ topic: this.spec.topic, acks: ACKS[this.spec.acks], messages: group.messages }),
          SEND_DEADLINE_MS,
          `${this.process} send`,
        );
        complete(this.spec.acks === 'none' ? 'info' : 'ok', this.spec.acks === 'none' ? 'acks=none: the broker never confirms' : undefined);
      } catch (e) {
        complete('info', e);
        await this.replaceProducer(lane);
      }
    }
  }

  /** Records the invocation of a batch; returns how to record its completion (once). */
  private invoke(records: SentRecord[], time: number, partition?: number): (phase: 'ok' | 'fail' | 'info', error?: unknown) => void {
    const batch = ++this.batch;
    this.stats.sent += records.length;
    this.history.record({
      type: 'send',
      phase: 'invoke',
      time,
      process: this.process,
      batch,
      topic: this.spec.topic,
      ...(partition === undefined ? {} : { partition }),
      records,
    });
    return (phase, error) => {
      this.stats[phase === 'ok' ? 'acked' : phase === 'fail' ? 'failed' : 'indeterminate'] += records.length;
      this.history.record({ type: 'send', phase, time: Date.now(), process: this.process, batch, ...(error === undefined ? {} : { error: describe(error) }) });
    };
  }

  private async sendTransaction(
    lane: Lane,
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
      const aborted =
        tx === undefined
          ? false
          : await withTimeout(tx.abort(), 10_000, 'abort').then(
              () => true,
              () => false,
            );
      complete(aborted ? 'fail' : 'info', e);
      if (!aborted) await this.replaceProducer(lane);
      return;
    }
    await withTimeout(tx.commit(), SEND_DEADLINE_MS, `${this.process} commit`); // throws → info, handled by the caller
    complete('ok');
  }

  private async connect(lane: Lane): Promise<Producer> {
    registerCodecs();
    const { Kafka, logLevel } = kafkajs;
    const kafka = new Kafka({
      clientId: this.lanes.length === 1 ? this.process : `${this.process}-p${lane.partition}`,
      brokers: this.bootstrap.split(','),
      ...kafkajsSecurity(this.bootstrap),
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

  /** After an unknown outcome the client may be wedged (fenced, stuck connection, sequence numbers in doubt): start a fresh one. */
  private async replaceProducer(lane: Lane): Promise<void> {
    await this.disconnect(lane);
    while (this.running) {
      try {
        lane.producer = await this.connect(lane);
        return;
      } catch (e) {
        this.log(`${this.process}: reconnect failed: ${describe(e)}`);
        await sleep(RECONNECT_MS);
      }
    }
  }

  private async disconnect(lane: Lane): Promise<void> {
    const p = lane.producer;
    lane.producer = undefined;
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
