import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RdkafkaModule } from '../../src/cluster/librdkafka.js';
import { RD } from '../../src/cluster/librdkafka.js';
import type { HistoryRecorder } from '../../src/history/recorder.js';
import type { HistoryEntry, SendComplete } from '../../src/history/types.js';
import type { ProducerSpec } from '../../src/schema/experiment.js';
import { Random } from '../../src/util/random.js';
import { sleep } from '../../src/util/time.js';
import { RdkafkaLoadProducer } from '../../src/workload/rdkafka-producer.js';

type Report = { partition: number; offset: number; opaque: unknown };
type Decide = (n: number, partition: number) => { error?: number; refuse?: boolean };

/**
 * A small stand-in for librdkafka's Producer: every produced record gets its delivery report a
 * moment later, as `decide` says (an error code, or refused at once), offsets counting per
 * partition; transactions commit unless `commitFails`.
 */
function fakeModule(decide: Decide, options: { commitFails?: boolean } = {}): { module: RdkafkaModule; produced: number[] } {
  const produced: number[] = [];
  class Producer extends EventEmitter {
    private readonly offsets = new Map<number, number>();
    connect(_o: unknown, cb: (err: null) => void): void {
      setImmediate(() => cb(null));
    }
    setPollInBackground(): void {}
    initTransactions(_t: number, cb: (err: null) => void): void {
      setImmediate(() => cb(null));
    }
    beginTransaction(cb: (err: null) => void): void {
      setImmediate(() => cb(null));
    }
    commitTransaction(_t: number, cb: (err: { message: string; code: number } | null) => void): void {
      setTimeout(() => cb(options.commitFails === true ? { message: 'Broker: Producer fenced', code: RD.PRODUCER_FENCED } : null), 5);
    }
    abortTransaction(_t: number, cb: (err: null) => void): void {
      setImmediate(() => cb(null));
    }
    produce(_topic: string, partition: number, _value: Buffer, _key: string, _ts: number, opaque: unknown): void {
      const n = produced.length;
      const d = decide(n, partition);
      if (d.refuse === true) throw new Error('Local: Queue full');
      produced.push(partition);
      const offset = this.offsets.get(partition) ?? 0;
      this.offsets.set(partition, offset + 1);
      const report: Report = { partition, offset, opaque };
      setTimeout(() => this.emit('delivery-report', d.error === undefined ? null : { message: `error ${d.error}`, code: d.error }, report), 2);
    }
    flush(_t: number, cb: () => void): void {
      setTimeout(cb, 20);
    }
    disconnect(_t: number, cb: () => void): void {
      setImmediate(cb);
    }
  }
  return { module: { Producer } as unknown as RdkafkaModule, produced };
}

const spec = (over: Partial<ProducerSpec> = {}): ProducerSpec => ({
  name: 'p',
  topic: 't',
  rate: 2000,
  keys: 20,
  payloadBytes: 10,
  acks: 'all',
  idempotent: true,
  instances: 1,
  client: 'librdkafka',
  ...over,
});

async function run(decide: Decide, over: Partial<ProducerSpec> = {}, options: { commitFails?: boolean } = {}) {
  const entries: HistoryEntry[] = [];
  const history = { record: (e: HistoryEntry) => void entries.push(e) } as unknown as HistoryRecorder;
  const { module } = fakeModule(decide, options);
  const p = new RdkafkaLoadProducer('p', spec(over), 3, 'x:1', history, new Random(3), () => undefined, module);
  await p.start();
  await sleep(150);
  await p.stop();
  const invoked = entries
    .filter((e) => e.type === 'send' && e.phase === 'invoke')
    .reduce((n, e) => n + (e.type === 'send' && e.phase === 'invoke' ? e.records.length : 0), 0);
  const completions = entries.filter((e): e is SendComplete => e.type === 'send' && e.phase !== 'invoke');
  return { stats: p.stats, invoked, completions };
}

describe('the librdkafka load generator, on a stand-in client', () => {
  it('records every record sent, and completes each batch from its delivery reports, with the offsets', async () => {
    const { stats, invoked, completions } = await run(() => ({}));
    expect(invoked).toBeGreaterThan(50);
    expect(stats).toEqual({ sent: invoked, acked: invoked, failed: 0, indeterminate: 0 });
    expect(completions.every((c) => c.phase === 'ok' && c.first === undefined && c.offsets !== undefined)).toBe(true);
  });

  it('completes a batch in parts when its records end differently: a timeout is indeterminate, a refusal failed', async () => {
    const { stats, invoked, completions } = await run((n) => (n % 7 === 3 ? { error: RD.MSG_TIMED_OUT } : n % 11 === 5 ? { refuse: true } : {}));
    expect(stats.sent).toBe(invoked);
    expect(stats.acked + stats.failed + stats.indeterminate).toBe(invoked);
    expect(stats.indeterminate).toBeGreaterThan(0);
    expect(stats.failed).toBeGreaterThan(0);
    const parts = completions.filter((c) => c.first !== undefined);
    expect(parts.length).toBeGreaterThan(0);
    expect(completions.filter((c) => c.phase === 'info').every((c) => c.error === `error ${RD.MSG_TIMED_OUT}`)).toBe(true);
  });

  it('acks nothing with acks=none: the broker never confirms', async () => {
    const { stats } = await run(() => ({}), { acks: 'none', idempotent: false });
    expect(stats.acked).toBe(0);
    expect(stats.indeterminate).toBe(stats.sent);
  });

  it('acks a transaction only when it commits, and fails one whose record was refused before it was sent (aborted, not torn)', async () => {
    const ok = await run(() => ({}), { transactions: { recordsPerTransaction: 10 } });
    expect(ok.stats.acked).toBe(ok.invoked);
    const refused = await run((n) => (n === 4 ? { refuse: true } : {}), { transactions: { recordsPerTransaction: 10 } });
    const first = refused.completions[0]!;
    expect(first).toMatchObject({ phase: 'fail' });
    expect(first.first).toBeUndefined(); // the whole transaction, not the records before the refusal
  });

  it('takes a transaction whose commit failed for failed once its abort is confirmed', async () => {
    const { stats } = await run(() => ({}), { transactions: { recordsPerTransaction: 10 } }, { commitFails: true });
    expect(stats.acked).toBe(0);
    expect(stats.failed).toBe(stats.sent);
  });
});
