import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HistoryRecorder } from '../../src/history/recorder.js';
import type { EventEntry, HistoryEntry } from '../../src/history/types.js';
import { waitFor } from '../../src/util/time.js';
import { launchProcess } from '../../src/runtime/process/process-node.js';
import { ProcessorGroup } from '../../src/workload/processor-group.js';

describe("a user's own processor, as a command", () => {
  it('gets its instructions in STREAMCHAOS_* variables, and is paused, resumed, killed and restarted like ours', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'streamchaos-processors-'));
    const entries: HistoryEntry[] = [];
    const history = { record: (e: HistoryEntry) => void entries.push(e) } as unknown as HistoryRecorder;
    const group = new ProcessorGroup({
      spec: {
        input: 'orders',
        output: 'orders-processed',
        instances: 2,
        mode: 'exactly-once',
        command: [process.execPath, resolve('test/fixtures/fake-processor.mjs')],
        idHeader: 'x-id',
        client: 'librdkafka',
      },
      group: 'streamchaos-processor-orders',
      outputPartitions: 6,
      bootstrap: '127.0.0.1:29091',
      observer: '127.0.0.1:29191',
      dir,
      history,
      launch: launchProcess,
    });
    await group.start();
    try {
      const told = async (i: number) =>
        waitFor(() => readFileSync(join(dir, `processor-${i}.log`), 'utf8').trim() || undefined, { what: `processor-${i} to start`, timeoutMs: 10_000 });
      expect(JSON.parse(await told(1))).toEqual({
        STREAMCHAOS_INSTANCE: 'processor-1',
        STREAMCHAOS_BOOTSTRAP: '127.0.0.1:29091',
        STREAMCHAOS_INPUT: 'orders',
        STREAMCHAOS_OUTPUT: 'orders-processed',
        STREAMCHAOS_GROUP: 'streamchaos-processor-orders',
        STREAMCHAOS_MODE: 'exactly-once',
        STREAMCHAOS_ID_HEADER: 'x-id',
      });
      await told(2);
      expect(group.alive()).toEqual(['processor-1', 'processor-2']);

      await group.pause('processor-2');
      await group.resume('processor-2');
      await group.kill('processor-1');
      expect(group.alive()).toEqual(['processor-2']);
      await group.restart('processor-1');
      expect(group.alive()).toEqual(['processor-1', 'processor-2']);
      const events = entries.filter((e): e is EventEntry => e.type === 'event').map((e) => `${e.kind} ${e.name}`);
      expect(events.slice(0, 2).sort()).toEqual(['node-up processor-1', 'node-up processor-2']); // started together
      expect(events.slice(2)).toEqual(['node-down processor-1', 'node-up processor-1']);
      await expect(group.kill('processor-3')).rejects.toThrow("no processor named 'processor-3' (there are processor-1, processor-2)");

      // an instance that exits on its own (a crash, its hung-consumer watchdog) is started again
      const up = entries.filter((e): e is EventEntry => e.type === 'event' && e.kind === 'node-up' && e.name === 'processor-2');
      process.kill(Number(up.at(-1)!.detail!.pid), 'SIGTERM');
      await waitFor(() => entries.filter((e) => e.type === 'event' && e.kind === 'node-up' && e.name === 'processor-2').length === up.length + 1, {
        what: 'processor-2 to be restarted',
        timeoutMs: 10_000,
      });
      const down = entries.filter((e): e is EventEntry => e.type === 'event' && e.kind === 'node-down').at(-1);
      expect(down).toMatchObject({ name: 'processor-2', detail: { restarting: true } });
    } finally {
      await group.stop();
    }
    expect(group.alive()).toEqual([]);
  });
});
