import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { HistoryEntry } from './types.js';

/**
 * Appends History entries to a JSON-lines file as they happen. Writes are buffered by the
 * stream and flushed in order; `close()` waits until everything is on disk. Entries are also
 * kept in memory for the run's own checks.
 */
export class HistoryRecorder {
  private readonly stream: WriteStream;
  private readonly kept: HistoryEntry[] = [];
  private closed: Promise<void> | undefined;

  constructor(readonly file: string) {
    this.stream = createWriteStream(file, { flags: 'a' });
  }

  record(entry: HistoryEntry): void {
    if (this.closed !== undefined) return; // a late completion after the run ended is dropped, not an error
    this.kept.push(entry);
    this.stream.write(`${JSON.stringify(entry)}\n`);
  }

  entries(): readonly HistoryEntry[] {
    return this.kept;
  }

  close(): Promise<void> {
    this.closed ??= new Promise((resolve, reject) => this.stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
    return this.closed;
  }
}

/**
 * Reads a history.jsonl back. A last line cut short by a crash is ignored; any other line that
 * does not parse is an error naming its line number.
 */
export async function readHistory(file: string): Promise<HistoryEntry[]> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  const entries: HistoryEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === undefined || line.trim() === '') continue;
    try {
      entries.push(JSON.parse(line) as HistoryEntry);
    } catch (e) {
      if (i >= lines.length - 2) break; // the torn last line of a crashed run
      throw new Error(`${file}:${i + 1}: not a JSON history entry (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return entries;
}
