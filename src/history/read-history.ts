import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { entryFlaw } from './entry-shape.js';
import { checkRunLine, MAX_PLANNED_MS } from './run-shape.js';
import type { DamagedLine, EventEntry, HistoryEntry, RunEntry } from './types.js';

/** Longer than any line streamchaos writes (a verifier's batch is a few MB): past it a line is skipped unread. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Damaged lines named one by one; past them, one entry counts the rest. */
export const MAX_NAMED_DAMAGE = 100;
/** Entries may be this long before the run line's time (clocks of one machine; a little slack)… */
const BEFORE_RUN_MS = 60_000;
/** …and this long after its planned end (bring-up, heals, drain, verification, a long deadline). */
const AFTER_PLANNED_END_MS = 24 * 3_600_000;

/**
 * Reads a history.jsonl back, line by line (streamed: a History of 10^6 lines and more, and a
 * line of any length, cost one pass and no more memory than the entries). Every line is checked
 * against the shape of the entry it claims to be (entry-shape.ts, run-shape.ts) and its time
 * against the run's; a line that is not JSON, not an entry, or one whose fields are missing or
 * of the wrong type is not kept: a `damaged` entry takes its place, naming the file and line and
 * what is wrong, so the judge sees the damage (the verdict of a damaged History is never a pass)
 * and the report names it. A last line cut short (a run stopped mid-write) is damage too,
 * marked `torn`. Never throws for what the file holds; throws when it cannot be read at all
 * (missing, not a regular file, no permission), with a message naming the file. `maxLineBytes`
 * (for tests) lowers MAX_LINE_BYTES.
 */
export async function readHistory(file: string, options: { maxLineBytes?: number } = {}): Promise<HistoryEntry[]> {
  const maxLine = options.maxLineBytes ?? MAX_LINE_BYTES;
  await regularFile(file);
  const reader = new HistoryReader(basename(file));
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      let from = 0;
      for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
        if (overlong || pendingBytes + nl - from > maxLine) reader.overlong(pendingBytes + nl - from, maxLine);
        else
          reader.line(pending.length === 0 ? chunk.toString('utf8', from, nl) : Buffer.concat([...pending, chunk.subarray(from, nl)]).toString('utf8'), true);
        pending = [];
        pendingBytes = 0;
        overlong = false;
        from = nl + 1;
      }
      if (from < chunk.length) {
        pendingBytes += chunk.length - from;
        if (pendingBytes > maxLine) {
          overlong = true;
          pending = [];
        } else pending.push(chunk.subarray(from));
      }
    }
  } catch (e) {
    throw new Error(`cannot read ${file}: ${reason(e)}`);
  }
  if (overlong) reader.overlong(pendingBytes, maxLine);
  else if (pendingBytes > 0) reader.line(Buffer.concat(pending).toString('utf8'), false);
  return reader.finish();
}

async function regularFile(file: string): Promise<void> {
  const s = await stat(file).catch((e: unknown) => {
    throw new Error(`cannot read ${file}: ${reason(e)}`);
  });
  if (!s.isFile())
    throw new Error(`${file} is not a regular file (${s.isDirectory() ? 'a folder' : 'a device, pipe or socket'}): a history is a file a run wrote`);
}

function reason(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined;
  const words: Record<string, string> = { ENOENT: 'it does not exist', EACCES: 'permission denied', EISDIR: 'it is a folder', EIO: 'an I/O error' };
  return code === undefined ? 'it could not be read' : `${words[code] ?? 'it could not be read'} (${code})`;
}

/** The lines of one history, in order, checked as they come. */
class HistoryReader {
  private readonly entries: HistoryEntry[] = [];
  private run: { entry: RunEntry; line: number; from: number; to: number } | undefined;
  /** Entries kept before the run line was seen: their times are checked once it is. */
  private readonly beforeRun: { index: number; line: number }[] = [];
  private lineNo = 0;
  private lastTime = 0;
  private named = 0;
  private more: DamagedLine | undefined;

  constructor(private readonly file: string) {}

  /** The next line of the file; `terminated` when a newline ended it (the last line of a crashed run may have none). */
  line(raw: string, terminated: boolean): void {
    this.lineNo++;
    const text = this.lineNo === 1 && raw.startsWith('\ufeff') ? raw.slice(1) : raw; // a byte-order mark an editor added
    if (text.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      if (!terminated) this.damage('the last line is cut short, as a run stopped while writing it leaves it; ignored', true);
      else this.damage('not JSON; skipped');
      return;
    }
    if (typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'run') {
      this.runLine(v as Record<string, unknown>);
      return;
    }
    const flaw = entryFlaw(v);
    if (flaw !== undefined) {
      this.damage(`${flaw}; skipped`);
      return;
    }
    const entry = v as Exclude<HistoryEntry, RunEntry | DamagedLine>;
    if (this.run === undefined) this.beforeRun.push({ index: this.entries.length, line: this.lineNo });
    else {
      const outside = outsideRun(entry, this.run);
      if (outside !== undefined) {
        this.damage(`${outside}; skipped`);
        return;
      }
    }
    this.lastTime = entry.time;
    this.entries.push(entry);
  }

  /** A line too long to be one streamchaos wrote, skipped unread. */
  overlong(bytes: number, max: number): void {
    this.lineNo++;
    this.damage(`a line of ${bytes} bytes, longer than any streamchaos writes (${max}); skipped`);
  }

  finish(): HistoryEntry[] {
    const run = this.run;
    if (run !== undefined)
      for (const { index, line } of this.beforeRun) {
        const e = this.entries[index] as Exclude<HistoryEntry, RunEntry | DamagedLine>;
        const outside = outsideRun(e, run);
        if (outside !== undefined) this.entries[index] = this.damaged(line, `${outside}; skipped`);
      }
    if (this.more !== undefined) this.entries.push(this.more);
    return this.entries;
  }

  private runLine(o: Record<string, unknown>): void {
    if (this.run !== undefined) {
      this.damage(`a second run line (the run line is line ${this.run.line}); skipped`);
      return;
    }
    const { run, flaws } = checkRunLine(o);
    if (run !== undefined) {
      this.run = { entry: run, line: this.lineNo, from: run.time - BEFORE_RUN_MS, to: run.time + run.plan.durationMs + AFTER_PLANNED_END_MS };
      this.lastTime = run.time;
      this.entries.push(run);
    }
    for (const flaw of flaws) this.damage(`a run line ${flaw}${run === undefined ? '; skipped' : ''}`);
  }

  private damage(problem: string, torn = false): void {
    if (this.named < MAX_NAMED_DAMAGE || torn) {
      this.named++;
      this.entries.push(this.damaged(this.lineNo, problem, torn));
      return;
    }
    if (this.more === undefined) this.more = { ...this.damaged(this.lineNo, ''), count: 0 };
    this.more.count = (this.more.count ?? 0) + 1;
    this.more.problem = `${this.more.count} more damaged lines from here on, not named one by one`;
  }

  private damaged(line: number, problem: string, torn = false): DamagedLine {
    return { type: 'damaged', time: this.lastTime, file: this.file, line, problem, ...(torn ? { torn: true } : {}) };
  }
}

/** Why an entry's time (or a time in its detail) cannot belong to the run, or undefined. */
function outsideRun(e: Exclude<HistoryEntry, RunEntry | DamagedLine>, run: { from: number; to: number }): string | undefined {
  const within = (t: number): boolean => t >= run.from && t <= run.to;
  if (!within(e.time))
    return `a ${e.type} line whose time is outside the run (${e.time < run.from ? 'before it began' : 'more than a day after its planned end'})`;
  if (e.type !== 'event' || e.detail === undefined) return undefined;
  const d: NonNullable<EventEntry['detail']> = e.detail;
  for (const key of ['begunAt', 'completedAt'])
    if (typeof d[key] === 'number' && !within(d[key])) return `an event line whose detail.${key} is outside the run`;
  if (typeof d.delayMs === 'number' && (d.delayMs < 0 || d.delayMs > MAX_PLANNED_MS)) return 'an event line whose detail.delayMs is not a delay within the run';
  return undefined;
}
