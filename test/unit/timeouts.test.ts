import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimeoutError } from '../../src/errors.js';
import { Timeline } from '../../src/experiment/timeline.js';
import type { FaultContext } from '../../src/faults/fault.js';
import type { HistoryEntry } from '../../src/history/types.js';
import type { HistoryRecorder } from '../../src/history/recorder.js';
import type { FaultSpec } from '../../src/schema/experiment.js';
import { exec } from '../../src/util/exec.js';
import { waitFor } from '../../src/util/time.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe('waitFor: no try can make the wait hang', () => {
  it('abandons a probe that never answers once the deadline has passed, naming what it waited for', async () => {
    const started = Date.now();
    const error = await waitFor(() => never<boolean>(), { what: 'the cluster to be healthy', timeoutMs: 1200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(
      /^timed out after 1200 ms waiting for the cluster to be healthy \(last error: a try did not finish within \d+ ms\)$/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('gives a probe started just before the deadline a moment to answer', async () => {
    let tries = 0;
    const value = await waitFor(
      async () => {
        tries++;
        if (tries === 1) return false;
        await new Promise((r) => setTimeout(r, 300));
        return 'ok';
      },
      { what: 'a slow answer', timeoutMs: 50, intervalMs: 60 },
    );
    expect(value).toBe('ok');
  });

  it('goes on waiting when the check whether to give up hangs, and still ends at its deadline', async () => {
    const error = await waitFor(() => false, { what: 'something', timeoutMs: 300, abortIf: () => never<undefined>() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('reports the timeout without the hint when the hint hangs', async () => {
    vi.useFakeTimers();
    try {
      const outcome = waitFor(() => false, { what: 'something', timeoutMs: 100, hint: () => never<string>() }).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(6000);
      const error = (await outcome) as TimeoutError;
      expect(error).toBeInstanceOf(TimeoutError);
      expect(error.hint).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('still ends at once with the error abortIf returns', async () => {
    await expect(waitFor(() => false, { what: 'x', timeoutMs: 5000, abortIf: () => new Error('the broker exited') })).rejects.toThrow('the broker exited');
  });
});

describe('exec', () => {
  it('kills a command that runs past its bound and names it', async () => {
    const started = Date.now();
    const error = await exec('sleep', ['30'], { timeoutMs: 200, what: 'sleep to finish' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe('timed out after 200 ms waiting for sleep to finish');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('resolves as before for a command that ends in time', async () => {
    const result = await exec('sh', ['-c', 'echo hello; exit 3'], { timeoutMs: 10_000 });
    expect(result).toMatchObject({ code: 3, tail: ['hello'] });
  });
});

describe('Timeline bounds', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function recorder(): HistoryRecorder & { all: HistoryEntry[] } {
    const all: HistoryEntry[] = [];
    return { record: (e: HistoryEntry) => void all.push(e), entries: () => all, all } as unknown as HistoryRecorder & { all: HistoryEntry[] };
  }

  const isolate: FaultSpec = { name: 'isolate broker-2', kind: 'isolate', atMs: 0, healAtMs: 1000, target: { type: 'broker', id: 2 }, from: 'clients' };

  it('records an inject that never returns as a fault error after 3 minutes', async () => {
    vi.useFakeTimers();
    const history = recorder();
    const context = (random: FaultContext['random']) =>
      ({
        random,
        topology: {
          brokers: [1, 2, 3].map((id) => ({ id })),
          links: [{ name: 'client-to-broker-2', kind: 'client', from: 'client', to: 2, listen: '', upstream: '' }],
        },
        network: { cut: () => never() },
      }) as unknown as FaultContext;
    const t = new Timeline({ faults: [isolate], seed: 1, history, context });
    t.start(Date.now());
    await vi.advanceTimersByTimeAsync(180_000);
    await t.settled();
    const errors = history.all.filter((e) => e.type === 'event' && e.kind === 'fault-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ detail: { error: 'timed out after 180000 ms waiting for injecting isolate broker-2' } });
  });

  it('records a heal that never returns as a fault error, and tries it again in healAll', async () => {
    vi.useFakeTimers();
    const history = recorder();
    let heals = 0;
    const context = (random: FaultContext['random']) =>
      ({
        random,
        topology: {
          brokers: [1, 2, 3].map((id) => ({ id })),
          links: [{ name: 'client-to-broker-2', kind: 'client', from: 'client', to: 2, listen: '', upstream: '' }],
        },
        network: {
          cut: async () => () => {
            heals++;
            return never();
          },
        },
      }) as unknown as FaultContext;
    const t = new Timeline({ faults: [isolate], seed: 1, history, context });
    t.start(Date.now());
    await vi.advanceTimersByTimeAsync(1000 + 180_000);
    const errors = history.all.filter((e) => e.type === 'event' && e.kind === 'fault-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      detail: { error: expect.stringContaining('heal failed: timed out after 180000 ms waiting for healing isolate broker-2') },
    });
    const again = t.healAll();
    await vi.advanceTimersByTimeAsync(180_000);
    await again;
    expect(heals).toBe(2);
  });
});
