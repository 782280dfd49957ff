import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { historyDamage } from '../../src/check/run-progress.js';
import { MAX_NAMED_DAMAGE, readHistory } from '../../src/history/read-history.js';
import type { DamagedLine, HistoryEntry, RunEntry } from '../../src/history/types.js';
import { testPlan } from '../helpers/plan.js';

const T0 = 1_796_417_235_590;
const dir = mkdtempSync(join(tmpdir(), 'streamchaos-history-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUN: RunEntry = { type: 'run', time: T0, name: 'test', seed: 1, plan: testPlan({ durationMs: 10_000 }), command: 'streamchaos run t.yaml', version: '0' };
const LAG = { type: 'lag', time: T0 + 100, group: 'g', topic: 'orders', partitions: { '0': 3 }, total: 3 };
const SEND = {
  type: 'send',
  phase: 'invoke',
  time: T0 + 200,
  process: 'p',
  batch: 0,
  topic: 'orders',
  partition: 0,
  records: [{ id: 'p:0', key: 'k', crc: 7 }],
};

let n = 0;
/** Writes `lines` (objects as JSON, strings as they are) to a fresh history.jsonl and reads it back. */
async function read(lines: readonly unknown[], o: { end?: string; maxLineBytes?: number } = {}): Promise<HistoryEntry[]> {
  const file = join(dir, `h${n++}.jsonl`);
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + (o.end ?? '\n'));
  return readHistory(file, o.maxLineBytes === undefined ? {} : { maxLineBytes: o.maxLineBytes });
}
const damaged = (h: readonly HistoryEntry[]): string[] => h.filter((e): e is DamagedLine => e.type === 'damaged').map((d) => `${d.line}: ${d.problem}`);

describe('readHistory: every line checked against the entry it claims to be', () => {
  it('keeps an intact history whole and in order', async () => {
    const h = await read([RUN, LAG, SEND]);
    expect(h.map((e) => e.type)).toEqual(['run', 'lag', 'send']);
    expect(damaged(h)).toEqual([]);
  });

  it.each([
    ['null', 'null, not a history entry'],
    ['42', 'a number, not a history entry'],
    ['"text"', 'a string, not a history entry'],
    ['[1]', 'a list, not a history entry'],
    ['{}', 'an object without a type, not a history entry'],
    ['{"type":["send"]}', 'an object whose type is not a string, not a history entry'],
    ['{"type":"metrics","time":1}', 'a line of type "metrics", which streamchaos does not write'],
    ['{"type":"\\u001b[2Jx","time":1}', 'a line of type "\\u001b[2Jx", which streamchaos does not write'],
    ['{"type":"lag","group":"g","topic":"t","partitions":{},"total":1}', 'a lag line without time'],
    ['{"type":"lag","time":1e999,"group":"g","topic":"t","partitions":{},"total":1}', 'a lag line whose time is not a finite number'],
    ['{"type":"send","phase":"invoke","time":1796417235790,"process":"p","batch":0,"topic":"o"}', 'a send line without records'],
    [
      '{"type":"send","phase":"invoke","time":1796417235790,"process":"p","batch":0,"topic":"o","records":[{"id":"p:0","key":"k"}]}',
      'a send line without records[0].crc',
    ],
    ['{"type":"send","phase":"ok","time":1796417235790,"process":"p","batch":1.5}', 'a send line whose batch is not a whole number, 0 or more'],
    ['{"type":"send","time":1796417235790,"process":"p","batch":1}', 'a send line without phase'],
    [
      '{"type":"sample","time":1796417235790,"liveBrokers":[1],"partitions":[{"topic":"o","partition":0,"leader":1,"replicas":[1],"isr":[null]}]}',
      'a sample line whose partitions[0].isr[0] is not a broker id',
    ],
    ['{"type":"sample","time":1796417235790,"liveBrokers":[1],"partitions":[],"quorum":{}}', 'a sample line whose quorum is not a list'],
    ['{"type":"seen","time":1796417235790,"topic":"o","partition":0,"ids":[{}]}', 'a seen line whose ids[0] is not a record id or null'],
    [
      '{"type":"read","time":1796417235790,"topic":"o","partition":0,"records":[{"offset":-1,"key":"k","crc":1}]}',
      'a read line whose records[0].offset is not a whole number, 0 or more',
    ],
    [
      '{"type":"read-done","time":1796417235790,"topic":"o","endOffsets":{"0":"9"},"complete":true}',
      'a read-done line whose endOffsets.0 is not a whole number, 0 or more',
    ],
    ['{"type":"event","time":1796417235790,"kind":"phase"}', 'an event line without name'],
    [
      '{"type":"event","time":1796417235790,"kind":"phase","name":"x","detail":"phase"}',
      'an event line whose detail is not an object of plain values (finite numbers, at most 16 levels deep)',
    ],
    [
      '{"type":"event","time":1796417235790,"kind":"note","name":"x","detail":{"a":{"b":1e999}}}',
      'an event line whose detail is not an object of plain values (finite numbers, at most 16 levels deep)',
    ],
    [
      '{"type":"event","time":1796417235790,"kind":"fault-heal","name":"x","detail":{"index":0,"begunAt":5}}',
      'an event line whose detail.begunAt is outside the run',
    ],
    [
      '{"type":"event","time":1796417235790,"kind":"note","name":"x","detail":{"delayMs":-5}}',
      'an event line whose detail.delayMs is not a delay within the run',
    ],
    ['{"type":"lag","time":1,"group":"g","topic":"t","partitions":{},"total":1}', 'a lag line whose time is outside the run (before it began)'],
    [
      '{"type":"lag","time":9e15,"group":"g","topic":"t","partitions":{},"total":1}',
      'a lag line whose time is outside the run (more than a day after its planned end)',
    ],
    ['{"type":"send","phase":', 'not JSON'],
  ])('skips %s in the middle, naming its line: %s', async (line, problem) => {
    const h = await read([RUN, LAG, line, SEND]);
    expect(damaged(h)).toEqual([`3: ${problem}; skipped`]);
    expect(h.map((e) => e.type)).toEqual(['run', 'lag', 'damaged', 'send']);
    expect(h[2]).toMatchObject({ file: expect.stringMatching(/^h\d+\.jsonl$/), time: LAG.time });
  });

  it('a deeply nested detail is refused without recursion (no stack overflow)', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const h = await read([RUN, `{"type":"event","time":${T0},"kind":"note","name":"x","detail":{"d":${deep}}}`]);
    expect(damaged(h)).toEqual(['2: an event line whose detail is not an object of plain values (finite numbers, at most 16 levels deep); skipped']);
  });

  it('the run line is checked in full and rebuilt from its fields: extras dropped, a broken plan unusable', async () => {
    const [run] = await read([{ ...RUN, extra: { deep: [[[1]]] }, plan: { ...RUN.plan, extra: 1 } }]);
    expect(run).toEqual(RUN);
    const { slos: _, ...noSlos } = RUN.plan;
    expect(damaged(await read([{ ...RUN, plan: noSlos }, LAG]))).toEqual(['1: a run line without plan.slos; skipped']);
    expect(damaged(await read([{ ...RUN, plan: { ...RUN.plan, timeline: [{ index: 0 }] } }]))).toEqual([
      '1: a run line without plan.timeline[0].name; skipped',
    ]);
    expect(damaged(await read([{ ...RUN, plan: { ...RUN.plan, environment: { ...RUN.plan.environment, partitions: { '\u001b[1m': 'x' } } } }]))).toEqual([
      '1: a run line whose plan.environment.partitions.\\x1b[1m is not a finite number; skipped',
    ]);
    const h = await read([{ ...RUN, files: 'x', failOn: [1] }]);
    expect(h[0]).toEqual(RUN);
    expect(damaged(h)).toEqual([
      '1: a run line whose failOn is not a list of check kinds (left out: every kind blocks)',
      '1: a run line whose files are not a list of { name, text } (not shown)',
    ]);
    expect(damaged(await read([RUN, LAG, RUN]))).toEqual(['3: a second run line (the run line is line 1); skipped']);
  });

  it('lines before the run line are kept, and their times checked once the run line is read', async () => {
    const h = await read(['garbage', { ...LAG, time: 5 }, LAG, RUN]);
    expect(damaged(h)).toEqual(['1: not JSON; skipped', '2: a lag line whose time is outside the run (before it began); skipped']);
    expect(h.filter((e) => e.type === 'lag')).toHaveLength(1);
  });

  it('a last line cut short is torn, named as what a stopped run leaves; a bad last line with its newline is plain damage', async () => {
    const torn = await read([RUN, LAG, '{"type":"lag","ti'], { end: '' });
    expect(torn.at(-1)).toMatchObject({
      type: 'damaged',
      line: 3,
      torn: true,
      problem: 'the last line is cut short, as a run stopped while writing it leaves it; ignored',
    });
    expect(historyDamage(torn)).toMatchObject({ count: 1, tornOnly: true });
    expect((await read([RUN, LAG, '{"type":"lag","ti'])).at(-1)).toMatchObject({ line: 3, problem: 'not JSON; skipped' });
    expect((await read([RUN, LAG], { end: '' })).map((e) => e.type)).toEqual(['run', 'lag']);
  });

  it('names the first damaged lines one by one and counts the rest in one entry', async () => {
    const h = await read([RUN, ...Array.from({ length: 250 }, () => 'null'), LAG]);
    const d = h.filter((e): e is DamagedLine => e.type === 'damaged');
    expect(d).toHaveLength(MAX_NAMED_DAMAGE + 1);
    expect(d.at(-1)).toMatchObject({ line: MAX_NAMED_DAMAGE + 2, count: 150, problem: '150 more damaged lines from here on, not named one by one' });
    expect(historyDamage(h)).toMatchObject({
      count: 250,
      lines: [`h${n - 1}.jsonl:2: null, not a history entry; skipped`, expect.any(String), expect.any(String)],
    });
  });

  it('a line longer than any streamchaos writes is skipped unread, in the middle or at the end', async () => {
    const long = JSON.stringify({ ...LAG, group: 'g'.repeat(5000) });
    expect(damaged(await read([RUN, long, LAG], { maxLineBytes: 1000 }))).toEqual([
      `2: a line of ${long.length} bytes, longer than any streamchaos writes (1000); skipped`,
    ]);
    expect(damaged(await read([RUN, LAG, long], { maxLineBytes: 1000, end: '' }))).toEqual([
      `3: a line of ${long.length} bytes, longer than any streamchaos writes (1000); skipped`,
    ]);
  });

  it('reads Windows line ends, a byte-order mark and blank lines', async () => {
    const file = join(dir, 'crlf.jsonl');
    writeFileSync(file, `\ufeff${JSON.stringify(RUN)}\r\n\r\n${JSON.stringify(LAG)}\r\n`);
    expect((await readHistory(file)).map((e) => e.type)).toEqual(['run', 'lag']);
  });

  it('streams a long history across read chunks, multi-byte characters split between them intact', async () => {
    const lines: unknown[] = [RUN];
    for (let i = 0; i < 60_000; i++) lines.push({ ...LAG, time: T0 + i, group: `gröüp-€-${i}` });
    const h = await read(lines);
    expect(damaged(h)).toEqual([]);
    expect(h).toHaveLength(60_001);
    expect(h[59_999]).toMatchObject({ group: 'gröüp-€-59998' });
  });

  it('refuses what is not a regular file, naming it', async () => {
    mkdirSync(join(dir, 'folder.jsonl'));
    await expect(readHistory(join(dir, 'folder.jsonl'))).rejects.toThrow(/folder\.jsonl is not a regular file \(a folder\)/);
    await expect(readHistory(join(dir, 'missing.jsonl'))).rejects.toThrow(/cannot read .*missing\.jsonl: it does not exist \(ENOENT\)/);
    await expect(readHistory('/dev/null')).rejects.toThrow(/not a regular file \(a device, pipe or socket\)/);
  });
});
