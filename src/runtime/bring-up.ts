import { describeHealth, readHealth } from '../cluster/health.js';
import { Observer } from '../cluster/observer.js';
import type { EnvironmentError } from '../errors.js';
import type { Topology } from '../network/topology.js';
import type { Progress } from '../provision/progress.js';
import type { EnvironmentSpec } from '../schema/environment.js';
import { waitFor } from '../util/time.js';
import { count } from '../util/words.js';
import type { Cleanup } from '../util/cleanup-stack.js';

/** What the bring-up needs to know about the brokers while it waits, whatever runs them. */
export interface BrokerWatch {
  /** Log tails worth showing when a wait fails. */
  hint: () => Promise<string>;
  /** An error when a broker has died (no point waiting further), else undefined. */
  exited: () => Promise<EnvironmentError | undefined>;
}

/**
 * Waits until the started brokers form a healthy cluster, the same for every runtime: the
 * observer connects, every broker registers, the declared topics exist and every ISR is full.
 * Resolves with the observer (its close is deferred on `cleanup`).
 */
export async function waitUntilHealthy(
  spec: EnvironmentSpec,
  topo: Topology,
  watch: BrokerWatch,
  options: { progress: Progress; log?: (line: string) => void; remaining: () => number; cleanup: Cleanup },
): Promise<Observer> {
  const { progress, remaining } = options;
  const observer = await waitFor(
    () =>
      Observer.connect(
        topo.brokers.map((b) => b.observer),
        { log: options.log },
      ),
    {
      what: 'the observer to connect to any broker',
      timeoutMs: remaining(),
      intervalMs: 500,
      hint: watch.hint,
      abortIf: watch.exited,
    },
  );
  options.cleanup.defer('observer', () => observer.close());

  const ids = topo.brokers.map((b) => b.id);
  await waitFor(async () => (await observer.liveBrokers()).length === ids.length, {
    what: `all ${count(ids.length, 'broker')} to register`,
    timeoutMs: remaining(),
    intervalMs: 300,
    hint: watch.hint,
    abortIf: watch.exited,
  });
  progress.done(`${count(ids.length, 'broker')} registered`);

  if (spec.topics.length > 0) {
    progress.step(`creating topics ${spec.topics.map((t) => t.name).join(', ')}`);
    await waitFor(() => observer.createTopics(spec.topics).then(() => true), {
      what: `topics ${spec.topics.map((t) => t.name).join(', ')} to be created`,
      timeoutMs: remaining(),
      intervalMs: 500,
      abortIf: watch.exited,
    });
  }
  let last = '';
  await waitFor(
    async () => {
      const health = await readHealth(
        observer,
        ids,
        spec.topics.map((t) => t.name),
      );
      last = describeHealth(health);
      return health.healthy;
    },
    { what: 'the cluster to be healthy', timeoutMs: remaining(), intervalMs: 300, hint: async () => `${last}\n${await watch.hint()}`, abortIf: watch.exited },
  );
  progress.done(`healthy: ${count(ids.length, 'broker')}, ${count(spec.topics.length, 'topic')}, every ISR full`);
  return observer;
}

/** Waits for the Toxiproxy API to answer; `exited` aborts the wait when the server died. */
export async function waitForToxiproxy(
  topo: Topology,
  timeoutMs: number,
  exited: () => Promise<EnvironmentError | undefined>,
  hint: () => Promise<string>,
): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(`${topo.toxiproxyApi}/version`, { signal: AbortSignal.timeout(1000) });
      return res.ok;
    },
    { what: `the Toxiproxy API at ${topo.toxiproxyApi}`, timeoutMs: Math.min(timeoutMs, 30_000), hint, abortIf: exited },
  );
}
