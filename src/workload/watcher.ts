import type { Observer } from '../cluster/observer.js';
import { fetchCommitted } from '../cluster/fetch.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { sleep } from '../util/time.js';
import { HEADER_ID } from './headers.js';

const MAX_WAIT_MS = 100;
const FETCH_TIMEOUT_MS = 1500;
const METADATA_EVERY_MS = 500;

/**
 * Tails the output topic while the run goes and records the ids it sees and when (`seen`
 * entries): the end-to-end latency of a record is that time minus its send. It reads like a
 * read_committed consumer, but with its own Fetch requests (src/cluster/fetch.ts) to each
 * partition's leader on the observer listeners, one loop per broker, leaders taken from the
 * observer's majority view. So no fault blinds it: a dead or paused broker stalls only the
 * partitions it leads, until the observer sees their new leader (a consumer group would stall
 * everything while it rejoins: kafkajs's did, for 30 s after a broker kill).
 *
 * Observation only: the verdict on loss and duplicates comes from the verifier's complete read.
 */
export class Watcher {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly offsets = new Map<number, number>();
  private leaders = new Map<number, number>();

  constructor(
    private readonly topic: string,
    private readonly observer: Observer,
    private readonly brokers: readonly { id: number; observer: string }[],
    private readonly history: HistoryRecorder,
    private readonly log: (line: string) => void,
    private readonly idHeader: string = HEADER_ID,
  ) {}

  /** Resolves once it knows every partition's leader and reads from the start of each (or from `from`, this run's start). */
  async start(from: Readonly<Record<number, number>> = {}): Promise<void> {
    await this.refresh();
    for (const p of this.leaders.keys()) this.offsets.set(p, from[p] ?? 0);
    this.running = true;
    this.loops = [this.refreshLoop(), ...this.brokers.map((b) => this.fetchLoop(b))];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async refresh(): Promise<void> {
    const view = await this.observer.view([this.topic]);
    const partitions = view.topics.find((t) => t.name === this.topic)?.partitions ?? [];
    this.leaders = new Map(partitions.map((p) => [p.partition, p.leader]));
  }

  private async refreshLoop(): Promise<void> {
    while (this.running) {
      await sleep(METADATA_EVERY_MS);
      await this.refresh().catch(() => undefined);
    }
  }

  private async fetchLoop(broker: { id: number; observer: string }): Promise<void> {
    while (this.running) {
      const mine = [...this.leaders.entries()]
        .filter(([, leader]) => leader === broker.id)
        .map(([partition]) => ({ partition, offset: this.offsets.get(partition) ?? 0 }));
      if (mine.length === 0) {
        await sleep(MAX_WAIT_MS);
        continue;
      }
      try {
        const results = await fetchCommitted(broker.observer, this.topic, mine, MAX_WAIT_MS, FETCH_TIMEOUT_MS);
        const time = Date.now();
        for (const r of results) {
          if (r.errorCode !== 0) continue; // not the leader any more, or not yet: the next metadata says who is
          if (r.records.length > 0) {
            this.history.record({ type: 'seen', time, topic: this.topic, partition: r.partition, ids: r.records.map((x) => x.headers[this.idHeader] ?? null) });
          }
          this.offsets.set(r.partition, Math.max(this.offsets.get(r.partition) ?? 0, r.nextOffset));
        }
        if (results.every((r) => r.records.length === 0)) await sleep(10);
      } catch (e) {
        this.log(`watcher: fetch from broker-${broker.id} failed: ${e instanceof Error ? e.message : String(e)}`);
        await sleep(MAX_WAIT_MS);
      }
    }
  }
}
