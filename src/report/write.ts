import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Judgement } from '../check/judge.js';
import type { HistoryEntry, RunEntry } from '../history/types.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';

/**
 * Writes a judged run's result.json, junit.xml and report.html into its folder: the one writer
 * of a live run and of `streamchaos report`.
 */
export async function writeRunReports(dir: string, judgement: Judgement, history: readonly HistoryEntry[]): Promise<void> {
  const { result, measurements } = judgement;
  const run = history.find((e): e is RunEntry => e.type === 'run');
  await writeFile(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(dir, 'junit.xml'), renderJunit(result));
  await writeFile(join(dir, 'report.html'), renderHtml({ result, measurements, files: run?.files ?? [], renderedAt: new Date().toISOString() }));
}
