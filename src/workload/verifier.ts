import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import kafkajs from 'kafkajs';
import type { HistoryRecorder } from '../history/recorder.js';
import type { ReadRecord } from '../history/types.js';
import { sleep, withTimeout } from '../util/time.js';
import { registerCodecs } from '../cluster/codecs.js';
import { fixConsumerStopRace } from '../cluster/kafkajs-stop-race.js';
import { HEADER_ID, HEADER_SENT } from './headers.js';
import { kafkajsSecurity } from '../cluster/security.js';

export interface VerifyResult {
  records: number;
  complete: boolean;
  endOffsets: Record<string, number>;
  error?: string;
}

/**
 * Reads `topic` from the beginning with isolation.level=read_committed through the observer
 * listeners, until it has read to the end offset of every partition (taken when it starts:
 * load has stopped and drained by then). Records what it read in the History, in offset order
 * per partition, and closes with a `read-done` entry saying whether it got to the end.
 * Bounded by `timeoutMs`; never throws.
 */
export async function verifyTopic(
  topic: string,
  observerBootstrap: string,
  history: HistoryRecorder,
  timeoutMs: number,
  log: (line: string) => void,
  /** The header carrying each record's id (a user's processor may use its own). */
  idHeader: string = HEADER_ID,
  /** Where this run's records start, per partition (an external environment's topic holds earlier runs' too); the log start when absent. */
  from: Readonly<Record<number, number>> = {},
): Promise<VerifyResult> {
  registerCodecs();
  fixConsumerStopRace(); // a stop during a fetcher rebalance must not freeze the process
  const { Kafka, logLevel } = kafkajs;
  const kafka = new Kafka({
    clientId: 'streamchaos-verifier',
    brokers: observerBootstrap.split(','),
    ...kafkajsSecurity(observerBootstrap),
    connectionTimeout: 3000,
    requestTimeout: 15_000,
    logLevel: logLevel.ERROR,
    logCreator: () => (entry) => log(`[verifier kafkajs] ${entry.log.message}`),
  });
  const admin = kafka.admin();
  const consumer = kafka.consumer({
    groupId: `streamchaos-verifier-${randomUUID()}`,
    readUncommitted: false,
    sessionTimeout: 30_000,
    heartbeatInterval: 3000,
    maxBytesPerPartition: 4 * 1024 * 1024,
  });
  const endOffsets: Record<string, number> = {};
  const position = new Map<number, number>();
  let read = 0;
  let error: string | undefined;
  try {
    await withTimeout(admin.connect(), 30_000, 'the verifier to connect');
    for (const p of await withTimeout(admin.fetchTopicOffsets(topic), 30_000, `end offsets of ${topic}`)) {
      endOffsets[String(p.partition)] = Number(p.high);
      position.set(p.partition, Math.max(Number(p.low), from[p.partition] ?? 0));
    }
    const done = (): boolean => [...position.entries()].every(([p, pos]) => pos >= (endOffsets[String(p)] ?? 0));
    if (!done()) {
      await withTimeout(consumer.connect(), 30_000, 'the verifier consumer to connect');
      await withTimeout(consumer.subscribe({ topic, fromBeginning: true }), 30_000, `the verifier to subscribe to ${topic}`);
      // progress, also past control records and aborted batches, which never reach eachBatch
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        const p = payload.partition;
        position.set(p, Math.max(position.get(p) ?? 0, Number(payload.lastOffset) + 1));
      });
      const started = consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const now = Date.now();
          const start = from[batch.partition] ?? 0;
          const records: ReadRecord[] = batch.messages
            .filter((m) => Number(m.offset) >= start)
            .map((m) => {
              const sent = Number(m.headers?.[HEADER_SENT]?.toString());
              return {
                offset: Number(m.offset),
                id: m.headers?.[idHeader]?.toString(),
                key: m.key?.toString() ?? '',
                crc: crc32(m.value ?? Buffer.alloc(0)),
                ...(Number.isFinite(sent) ? { latencyMs: now - sent } : {}),
              };
            });
          read += records.length;
          if (records.length > 0) history.record({ type: 'read', time: now, topic, partition: batch.partition, records });
        },
      });
      await withTimeout(started, 60_000, `the verifier to join its consumer group and start reading ${topic}`);
      const deadline = Date.now() + timeoutMs;
      while (!done() && Date.now() < deadline) await sleep(100);
      if (!done()) error = `stopped after ${timeoutMs} ms short of the end: ${describePositions(position, endOffsets)}`;
    }
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  } finally {
    await withTimeout(consumer.disconnect(), 10_000, 'verifier disconnect').catch(() => undefined);
    await withTimeout(admin.disconnect(), 10_000, 'verifier admin disconnect').catch(() => undefined);
  }
  const complete = error === undefined;
  history.record({ type: 'read-done', time: Date.now(), topic, endOffsets, complete, ...(error === undefined ? {} : { error }) });
  return { records: read, complete, endOffsets, ...(error === undefined ? {} : { error }) };
}

function describePositions(position: Map<number, number>, end: Record<string, number>): string {
  return [...position.entries()]
    .filter(([p, pos]) => pos < (end[String(p)] ?? 0))
    .map(([p, pos]) => `partition ${p} at ${pos} of ${end[String(p)]}`)
    .join(', ');
}
