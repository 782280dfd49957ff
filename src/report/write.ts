import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Judgement } from '../check/judge.js';
import type { DamagedLine, HistoryEntry, RunEntry } from '../history/types.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';

/**
 * Writes a judged run's result.json, junit.xml and report.html into its folder: the one writer
 * of a live run and of `streamchaos report`. Each file is written beside its place and renamed
 * over it, so a file already there is replaced, never written through: a result.json that is a
 * link to a file elsewhere is replaced by the new result, and the file it pointed to is left
 * alone. Rejects, naming the file, when one cannot be written (a folder in its place, no
 * permission).
 */
export async function writeRunReports(dir: string, judgement: Judgement, history: readonly HistoryEntry[]): Promise<void> {
  const { result, measurements } = judgement;
  const run = history.find((e): e is RunEntry => e.type === 'run');
  const damaged = history.filter((e): e is DamagedLine => e.type === 'damaged').map((d) => `${d.file}:${d.line}: ${d.problem}`);
  await replace(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  await replace(join(dir, 'junit.xml'), renderJunit(result));
  await replace(join(dir, 'report.html'), renderHtml({ result, measurements, files: run?.files ?? [], damaged, renderedAt: new Date().toISOString() }));
}

async function replace(file: string, text: string): Promise<void> {
  const beside = `${file}.${process.pid}.tmp`;
  try {
    await rm(beside, { force: true });
    await writeFile(beside, text, { flag: 'wx' });
    await rename(beside, file);
  } catch (e) {
    await rm(beside, { force: true }).catch(() => undefined);
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : undefined;
    const why: Record<string, string> = {
      EISDIR: 'a folder is in its place',
      EACCES: 'permission denied',
      EPERM: 'permission denied',
      ENOSPC: 'the disk is full',
    };
    throw new Error(
      `cannot write ${file}: ${(code === undefined ? undefined : why[code]) ?? 'it could not be written'}${code === undefined ? '' : ` (${code})`}`,
    );
  }
}
