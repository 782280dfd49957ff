import { createRequire } from 'node:module';

interface RunnerPrototype {
  running: boolean;
  fetch: (this: RunnerPrototype, nodeId: number) => Promise<unknown[]>;
}

/** What a fetch of a consumer that has stopped fails with (kafkajs logs it at debug level and gives up fetching). */
export class ConsumerStoppedError extends Error {
  override readonly name = 'ConsumerStoppedError';
  constructor() {
    super('the consumer has stopped: no more fetches');
  }
}

let patched = false;

/**
 * A fix for a race in kafkajs 2.2.4 (its last release) that freezes the whole process.
 *
 * When the brokers leading a consumer's partitions change (one was killed), its fetch manager
 * stops its fetchers and makes new ones ("rebalancing fetchers"). A consumer stopped meanwhile
 * (consumer.disconnect) stops the old fetchers, not the ones made after: each of those loops
 * on Runner.fetch, which resolves `[]` at once once the runner has stopped. A loop of promise
 * callbacks only: the event loop never runs again, so no timer fires (every timeout of ours,
 * the run's deadline and the teardown's bounds with them), no I/O is done, and disconnect never
 * returns. Seen as `streamchaos run` hung at `cleanup: consumers` a few seconds after a broker
 * kill, at full CPU (test/e2e/run-deadline.test.ts on a busy machine).
 *
 * The fix: a fetch of a consumer that has stopped fails instead (ConsumerStoppedError). The
 * fetcher then ends, the fetch manager's start rejects, the runner finds itself stopped and
 * finishes consuming, and disconnect goes on. A running consumer never takes that path.
 * Global to kafkajs and idempotent, like the codecs (registerCodecs).
 */
export function fixConsumerStopRace(): void {
  if (patched) return;
  const runner = createRequire(import.meta.url)('kafkajs/src/consumer/runner.js') as { prototype: RunnerPrototype };
  const fetch = runner.prototype.fetch;
  if (typeof fetch !== 'function') throw new Error('kafkajs has changed: Runner.prototype.fetch is gone; review fixConsumerStopRace');
  runner.prototype.fetch = function (this: RunnerPrototype, nodeId: number): Promise<unknown[]> {
    if (!this.running) return Promise.reject(new ConsumerStoppedError());
    return fetch.call(this, nodeId);
  };
  patched = true;
}
