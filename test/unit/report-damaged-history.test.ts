import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judge } from '../../src/check/judge.js';
import { readHistory } from '../../src/history/recorder.js';
import type { HistoryEntry } from '../../src/history/types.js';
import { writeRunReports } from '../../src/report/write.js';
import { runInProcess } from '../helpers/in-process-cli.js';
import { testPlan } from '../helpers/plan.js';

const T0 = 1_796_417_235_590;
const root = mkdtempSync(join(tmpdir(), 'streamchaos-report-damaged-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A short finished run on orders: 50 records sent, acknowledged and read; `lines` inserted after the run line. */
function history(lines: string[] = []): string {
  const h: HistoryEntry[] = [
    { type: 'run', time: T0, name: 'damaged-run', seed: 7, plan: testPlan({ durationMs: 5000 }), command: 'streamchaos run d.yaml', version: '0' },
  ];
  const read = [];
  for (let i = 0; i < 50; i++) {
    h.push({
      type: 'send',
      phase: 'invoke',
      time: T0 + i * 100,
      process: 'p',
      batch: i,
      topic: 'orders',
      partition: 0,
      records: [{ id: `p:${i}`, key: 'k', crc: 1 }],
    });
    h.push({ type: 'send', phase: 'ok', time: T0 + i * 100 + 5, process: 'p', batch: i });
    read.push({ offset: i, id: `p:${i}`, key: 'k', crc: 1 });
  }
  h.push({ type: 'read', time: T0 + 6000, topic: 'orders', partition: 0, records: read });
  h.push({ type: 'read-done', time: T0 + 6001, topic: 'orders', endOffsets: { '0': 50 }, complete: true });
  for (const phase of ['bring-up', 'steady-state-before', 'method', 'rollback', 'drain', 'steady-state-after', 'verify', 'judge'])
    h.push({ type: 'event', kind: 'phase', time: T0 + 6100, name: phase, detail: { phase } });
  const [run, ...rest] = h.map((e) => JSON.stringify(e));
  return `${[run, ...lines, ...rest].join('\n')}\n`;
}

function runFolder(name: string, text: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'history.jsonl'), text);
  return dir;
}

describe('report on a damaged run folder: renders what it can, names the damage, never a pass', () => {
  it('the page names every damaged line (escaped) in its own section and in the banner; JUnit makes it an error', async () => {
    const dir = runFolder('named', history(['null', '{"type":"<script>alert(1)</script>","time":1}']));
    const entries = await readHistory(join(dir, 'history.jsonl'));
    await writeRunReports(dir, judge(entries), entries);
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(page).toContain('<section id="damage">');
    expect(page).toContain('<li><code>history.jsonl:2: null, not a history entry; skipped</code></li>');
    expect(page).toContain('history.jsonl:3: a line of type &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;, which streamchaos does not write; skipped');
    expect(page).not.toContain('<script>');
    expect(page).toMatch(/<b>The history is damaged<\/b>: 2 lines were skipped as unreadable/);
    expect(page).toContain('data-verdict="unknown"');
    const junit = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(
      /<testcase classname="streamchaos\.damaged-run" name="history read whole">\n {6}<error message="not judged: 2 damaged lines: history\.jsonl:2: null/,
    );
    const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
    expect(result.verdict).toBe('unknown');
    expect(result.checks[0]).toMatchObject({ name: 'history read whole', observed: 2, unknown: true });
  });

  it('an intact history renders no damage section', async () => {
    const dir = runFolder('intact', history());
    const entries = await readHistory(join(dir, 'history.jsonl'));
    await writeRunReports(dir, judge(entries), entries);
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(page).not.toContain('id="damage"');
    expect(page).not.toContain('The history is damaged');
  });

  it('a result.json that links to a file elsewhere is replaced, and the file it pointed to is left alone', async () => {
    const dir = runFolder('linked', history());
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'keep me\n');
    symlinkSync(victim, join(dir, 'result.json'));
    symlinkSync(victim, join(dir, 'report.html'));
    const r = await runInProcess(['report', dir]);
    expect(r.code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('keep me\n');
    expect(lstatSync(join(dir, 'result.json')).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'))).toMatchObject({ verdict: 'pass' });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('without a usable run line nothing is written into the folder, and the message names the line', async () => {
    const dir = runFolder('no-run', history().split('\n').slice(1).join('\n'));
    writeFileSync(join(dir, 'result.json'), '{"verdict":"pass"}');
    const r = await runInProcess(['report', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no usable run line .*; nothing was written/);
    expect(readdirSync(dir).sort()).toEqual(['history.jsonl', 'result.json']);
    expect(readFileSync(join(dir, 'result.json'), 'utf8')).toBe('{"verdict":"pass"}');
  });

  it('a history of 200,000 lines, one damaged near the end, is read and judged in one linear pass (no argument-spread of its entries)', async () => {
    const sends: string[] = [];
    for (let i = 0; i < 50; i++) sends.push('{"type":"lag","time":1796417236000,"group":"g","topic":"orders","partitions":{"0":1},"total":1}');
    const filler = `${sends.join('\n')}\n`.repeat(4000); // 200,000 lag lines
    const text = history([...filler.trimEnd().split('\n'), 'null']);
    const dir = runFolder('large', text);
    const r = await runInProcess(['report', dir], 60_000);
    expect(r.code, r.stderr.slice(0, 3000)).toBe(1);
    expect(r.stdout).toContain('history read whole: 1 damaged line: history.jsonl:200002: null, not a history entry; skipped');
  }, 60_000);
});
