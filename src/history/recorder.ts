import { createWriteStream, type WriteStream } from 'node:fs';
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

export { readHistory } from './read-history.js';
