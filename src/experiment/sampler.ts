import type { Observer } from '../cluster/observer.js';
import { LagReader } from '../cluster/lag.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { quorumLeader } from '../cluster/roles.js';
import { sleep } from '../util/time.js';

/** How long stopping waits for the readings in progress. */
const STOP_WAIT_MS = 5000;

export interface SamplerOptions {
  observer: Observer;
  /** Observer listeners of the brokers, for the quorum reading. */
  brokers: readonly { id: number; observer: string }[];
  observerBootstrap: string;
  history: HistoryRecorder;
  topics: readonly string[];
  minIsr: Record<string, number>;
  /** Consumer groups whose lag on a topic is read with every sample. */
  groups: readonly { group: string; topic: string }[];
  /** How many processor instances run now (when the workload has a processor). */
  processorsAlive?: () => number;
  intervalMs?: number;
}

/**
 * Reads the cluster through the observer every `intervalMs` (250 ms by default, so recovery is
 * timed well under a second) and records each reading in the History: live brokers; leader,
 * epoch, replicas and ISR of every partition; who leads the KRaft quorum; processors alive;
 * and the lag of every consumer group of the workload. A reading that fails (no broker
 * answers) is skipped, not fatal; every reading is bounded in time.
 */
export class Sampler {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly lag: LagReader;

  constructor(private readonly o: SamplerOptions) {
    this.lag = new LagReader(o.observerBootstrap, 2000, 'streamchaos-sampler');
  }

  start(): void {
    this.running = true;
    const interval = this.o.intervalMs ?? 250;
    this.loops = [this.every(interval, () => this.sampleCluster()), ...this.o.groups.map((g) => this.every(interval, () => this.sampleLag(g.group, g.topic)))];
  }

  private async every(intervalMs: number, read: () => Promise<void>): Promise<void> {
    while (this.running) {
      const started = Date.now();
      try {
        await read();
      } catch {
        // nobody answered this time; the gap shows in the samples
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - started)));
    }
  }

  private async sampleCluster(): Promise<void> {
    const [view, quorum] = await Promise.all([this.o.observer.view(this.o.topics), this.quorum()]);
    const alive = this.o.processorsAlive?.();
    this.o.history.record({
      type: 'sample',
      time: Date.now(),
      liveBrokers: view.brokers.map((b) => b.id).sort((a, b) => a - b),
      partitions: view.topics.flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.name, partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr })),
      ),
      minIsr: this.o.minIsr,
      quorum,
      ...(alive === undefined ? {} : { processorsAlive: alive }),
    });
  }

  private async sampleLag(group: string, topic: string): Promise<void> {
    const lag = await this.lag.read(group, topic);
    this.o.history.record({ type: 'lag', time: Date.now(), group, topic, ...lag });
  }

  /** Who each broker says leads the KRaft quorum, and in which epoch (brokers that do not answer are left out). */
  private async quorum(): Promise<{ broker: number; leader: number; epoch: number }[]> {
    const answers = await Promise.allSettled(this.o.brokers.map(async (b) => ({ broker: b.id, ...(await quorumLeader(b.observer, 1000)) })));
    return answers.flatMap((a) => (a.status === 'fulfilled' && a.value.leader >= 0 ? [a.value] : []));
  }

  /**
   * Stops sampling: waits for the readings in progress, at most STOP_WAIT_MS (a lag reading may
   * still be connecting, up to 30 s, to brokers that are gone; it ends on its own, unrecorded
   * once the History is closed), then closes the lag reader.
   */
  async stop(): Promise<void> {
    this.running = false;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(this.loops), new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
    clearTimeout(timer);
    this.loops = [];
    await this.lag.close();
  }
}
