import type { Observer } from '../cluster/observer.js';
import type { HistoryRecorder } from '../history/recorder.js';
import { quorumLeader } from '../cluster/roles.js';
import { sleep } from '../util/time.js';

/**
 * Reads the cluster through the observer every `intervalMs` and records each reading in the
 * History (live brokers; leader, epoch, replicas and ISR of every partition). A reading that
 * fails (no broker answers) is skipped, not fatal.
 */
export class Sampler {
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly observer: Observer,
    private readonly brokers: readonly { id: number; observer: string }[],
    private readonly history: HistoryRecorder,
    private readonly topics: readonly string[],
    private readonly minIsr: Record<string, number>,
    private readonly intervalMs = 500,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = Date.now();
        try {
          const [view, quorum] = await Promise.all([this.observer.view(this.topics), this.quorum()]);
          this.history.record({
            type: 'sample',
            time: Date.now(),
            liveBrokers: view.brokers.map((b) => b.id).sort((a, b) => a - b),
            partitions: view.topics.flatMap((t) =>
              t.partitions.map((p) => ({ topic: t.name, partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: p.replicas, isr: p.isr })),
            ),
            minIsr: this.minIsr,
            quorum,
          });
        } catch {
          // nobody answered this time; the gap shows in the samples
        }
        await sleep(Math.max(0, this.intervalMs - (Date.now() - started)));
      }
    })();
  }

  /** Who each broker says leads the KRaft quorum, and in which epoch (brokers that do not answer are left out). */
  private async quorum(): Promise<{ broker: number; leader: number; epoch: number }[]> {
    const answers = await Promise.allSettled(this.brokers.map(async (b) => ({ broker: b.id, ...(await quorumLeader(b.observer, 1000)) })));
    return answers.flatMap((a) => (a.status === 'fulfilled' && a.value.leader >= 0 ? [a.value] : []));
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}
