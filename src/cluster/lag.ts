import kafkajs, { type Admin } from 'kafkajs';
import { waitFor, withTimeout } from '../util/time.js';
import { kafkajsSecurity } from './security.js';

export interface GroupLag {
  /** End offset minus committed offset, per partition (a partition with no commit counts from its start). */
  partitions: Record<string, number>;
  total: number;
}

/**
 * Reads consumer group lag through the observer listeners: the end offset of every partition
 * of a topic (ListOffsets) minus the group's committed offset (OffsetFetch). Every read is
 * bounded, so a dead or paused broker costs at most `timeoutMs` and never hangs a sampler.
 */
export class LagReader {
  private readonly admin: Admin;
  private connected: Promise<void> | undefined;

  constructor(
    observerBootstrap: string,
    private readonly timeoutMs = 2000,
    clientId = 'streamchaos-lag',
  ) {
    const { Kafka, logLevel } = kafkajs;
    this.admin = new Kafka({
      clientId,
      brokers: observerBootstrap.split(','),
      ...kafkajsSecurity(observerBootstrap),
      connectionTimeout: 1000,
      requestTimeout: timeoutMs,
      retry: { retries: 1, initialRetryTime: 50, maxRetryTime: 200 },
      logLevel: logLevel.NOTHING,
    }).admin();
  }

  async read(group: string, topic: string): Promise<GroupLag> {
    this.connected ??= withTimeout(this.admin.connect(), 30_000, 'the lag reader to connect').catch((e: unknown) => {
      this.connected = undefined;
      throw e;
    });
    await this.connected;
    const [ends, committed] = await withTimeout(
      Promise.all([this.admin.fetchTopicOffsets(topic), this.admin.fetchOffsets({ groupId: group, topics: [topic] })]),
      this.timeoutMs * 2,
      `the lag of ${group} on ${topic}`,
    );
    const at = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    const partitions: Record<string, number> = {};
    let total = 0;
    for (const p of ends) {
      const done = at.get(p.partition);
      const lag = Math.max(0, Number(p.high) - (done === undefined || done < 0 ? Number(p.low) : done));
      partitions[String(p.partition)] = lag;
      total += lag;
    }
    return { partitions, total };
  }

  async close(): Promise<void> {
    await withTimeout(this.admin.disconnect(), 5000, 'the lag reader to disconnect').catch(() => undefined);
  }
}

/**
 * Waits until `group` has committed offsets at the end of every partition of `topic` (lag 0),
 * for at most `timeoutMs`. Resolves with the lag left (0 when caught up); never throws for the
 * wait running out.
 */
export async function waitForCaughtUp(reader: LagReader, group: string, topic: string, timeoutMs: number): Promise<number> {
  let lag = Number.POSITIVE_INFINITY;
  await waitFor(
    async () => {
      lag = (await reader.read(group, topic)).total;
      return lag === 0;
    },
    { what: `consumer group ${group} to catch up with ${topic}`, timeoutMs, intervalMs: 500 },
  ).catch(() => undefined);
  return lag;
}
