import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeadlineError, spokenDuration } from '../../src/errors.js';
import { runWithDeadline } from '../../src/util/deadline.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe('runWithDeadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves or rejects as the body does when it settles in time, and never calls onPassed', async () => {
    const onPassed = vi.fn();
    await expect(runWithDeadline(async () => 42, { ms: 1000, phase: () => 'working', onPassed })).resolves.toBe(42);
    await expect(runWithDeadline(async () => Promise.reject(new Error('boom')), { ms: 1000, phase: () => 'working', onPassed })).rejects.toThrow('boom');
    expect(onPassed).not.toHaveBeenCalled();
  });

  it('cuts off a body that hangs: notes the phase it was in, aborts its signal, rejects with a DeadlineError naming deadline and phase', async () => {
    vi.useFakeTimers();
    let phase = 'starting environment local-3';
    let signal: AbortSignal | undefined;
    const passed: string[] = [];
    const run = runWithDeadline(
      (s) => {
        signal = s;
        phase = 'draining: the processor catches up';
        return never<number>();
      },
      { ms: 390_000, phase: () => phase, onPassed: (p) => void passed.push(p) },
    );
    const outcome = run.then(
      () => undefined,
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(389_999);
    expect(passed).toEqual([]);
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as DeadlineError).message).toBe('the run passed its deadline of 6m 30s while draining: the processor catches up');
    expect((error as DeadlineError).exitCode).toBe(3);
    expect(passed).toEqual(['draining: the processor catches up']);
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
  });

  it('still rejects when onPassed hangs or throws, and ignores what the body does afterwards', async () => {
    vi.useFakeTimers();
    let finish: (value: number) => void = () => undefined;
    const late = runWithDeadline(() => new Promise<number>((resolve) => (finish = resolve)), {
      ms: 100,
      phase: () => 'verifying',
      onPassed: () => never<void>(),
    });
    const lateOutcome = late.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(100);
    finish(7); // the body answers after the deadline passed, while onPassed still runs: too late
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await lateOutcome).toBeInstanceOf(DeadlineError);

    let fail: (e: Error) => void = () => undefined;
    const throwing = runWithDeadline(() => new Promise<number>((_, reject) => (fail = reject)), {
      ms: 100,
      phase: () => 'verifying',
      onPassed: () => {
        throw new Error('cannot note');
      },
    });
    const throwingOutcome = throwing.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(100);
    expect(await throwingOutcome).toBeInstanceOf(DeadlineError);
    fail(new Error('late failure')); // must not surface as an unhandled rejection
    await vi.advanceTimersByTimeAsync(10);
  });

  it('leaves no timer behind when the body settles first', async () => {
    vi.useFakeTimers();
    await runWithDeadline(async () => 'done', { ms: 60_000, phase: () => 'x' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('uses real time too: a hung body is cut off after the deadline', async () => {
    const started = Date.now();
    await expect(runWithDeadline(() => never(), { ms: 50, phase: () => 'waiting', what: 'the test' })).rejects.toThrow(
      'the test passed its deadline of 50 ms while waiting',
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });
});

describe('spokenDuration', () => {
  it('says a duration for a sentence', () => {
    expect(spokenDuration(390_000)).toBe('6m 30s');
    expect(spokenDuration(40_000)).toBe('40s');
    expect(spokenDuration(1500)).toBe('1.5s');
    expect(spokenDuration(250)).toBe('250 ms');
    expect(spokenDuration(3_600_000)).toBe('1h');
    expect(spokenDuration(3_661_000)).toBe('1h 1m 1s');
    expect(spokenDuration(650_000)).toBe('10m 50s');
  });
});
