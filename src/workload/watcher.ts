import { randomUUID } from 'node:crypto';
import kafkajs, { type Consumer } from 'kafkajs';
import type { HistoryRecorder } from '../history/recorder.js';
import { withTimeout } from '../util/time.js';
import { registerCodecs } from './codecs.js';
import { HEADER_ID } from './headers.js';

/**
 * Tails the output topic while the run goes, as a read_committed reader through the observer
 * listeners (no fault touches them), and records the ids it sees and when (`seen` entries):
 * the end-to-end latency of a record is that time minus its send. It is observation only: the
 * verdict on loss and duplicates comes from the verifier's complete read after the run.
 *
 * Fetches wait at most 100 ms for data, so a record is seen within about that of becoming
 * readable; after a broker dies, the partitions it led are seen again once the consumer's
 * metadata moves on (bounded by its 3 s request timeout).
 */
export class Watcher {
  private consumer: Consumer | undefined;
  private stopped = false;

  constructor(
    private readonly topic: string,
    private readonly observerBootstrap: string,
    private readonly history: HistoryRecorder,
    private readonly log: (line: string) => void,
    private readonly idHeader: string = HEADER_ID,
  ) {}

  async start(): Promise<void> {
    registerCodecs();
    const { Kafka, logLevel } = kafkajs;
    const kafka = new Kafka({
      clientId: 'streamchaos-watcher',
      brokers: this.observerBootstrap.split(','),
      connectionTimeout: 1000,
      requestTimeout: 3000,
      retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 500 },
      logLevel: logLevel.ERROR,
      logCreator: () => (entry) => this.log(`[watcher kafkajs] ${entry.log.message}`),
    });
    const consumer = kafka.consumer({
      groupId: `streamchaos-watcher-${randomUUID()}`,
      readUncommitted: false,
      maxWaitTimeInMs: 100,
      sessionTimeout: 30_000,
      heartbeatInterval: 3000,
      retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 500, restartOnFailure: async () => !this.stopped },
    });
    this.consumer = consumer;
    await withTimeout(consumer.connect(), 30_000, 'the watcher to connect');
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    const joined = joinedGroup(consumer);
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.messages.length === 0) return;
        this.history.record({
          type: 'seen',
          time: Date.now(),
          topic: this.topic,
          partition: batch.partition,
          ids: batch.messages.map((m) => m.headers?.[this.idHeader]?.toString() ?? null),
        });
      },
    });
    // records sent before it has its partitions would be seen late: latency would lie
    await withTimeout(joined, 30_000, 'the watcher to join its group');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const c = this.consumer;
    this.consumer = undefined;
    if (c !== undefined) await withTimeout(c.disconnect(), 10_000, 'the watcher to disconnect').catch(() => undefined);
  }
}

/** Resolves when the consumer has joined its group and holds its partitions. */
export function joinedGroup(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
}
