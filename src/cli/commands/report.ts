import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultFromHistory } from '../../check/from-history.js';
import { measure } from '../../check/measure.js';
import type { RunResult } from '../../check/result.js';
import { UsageError } from '../../errors.js';
import { type ExitCode, exitCodeOfVerdict } from '../../exit-code.js';
import { readHistory } from '../../history/recorder.js';
import type { HistoryEntry } from '../../history/types.js';
import { renderHtml } from '../../report/html.js';
import { renderJunit } from '../../report/junit.js';
import { printSummary } from '../summary.js';

export interface ReportArgs {
  dir: string;
  json: boolean;
}

/**
 * `streamchaos report <run-dir>`: renders report.html and junit.xml again from the run's
 * history.jsonl (with its result.json when the run finished; otherwise the verdict is rebuilt
 * from the History, and what was never recorded fails). Exit 0 when the verdict is pass, 1 when fail.
 */
export async function report(args: ReportArgs): Promise<ExitCode> {
  const historyFile = join(args.dir, 'history.jsonl');
  if (!existsSync(historyFile)) {
    throw new UsageError(`${historyFile} does not exist`, {
      hint: `pass the folder of a run (it holds history.jsonl), e.g. ${join('reports', '<time>-<experiment>')}`,
    });
  }
  let entries: HistoryEntry[];
  try {
    entries = await readHistory(historyFile);
  } catch (e) {
    throw new UsageError(`cannot read the history: ${e instanceof Error ? e.message : String(e)}`);
  }
  const run = entries.find((e) => e.type === 'run');
  if (run === undefined) throw new UsageError(`${historyFile} has no run entry: it is not the history of a streamchaos run`);
  const measurements = measure(entries);
  const resultFile = join(args.dir, 'result.json');
  const partial = !existsSync(resultFile);
  const result: RunResult = partial ? resultFromHistory(entries, measurements) : (JSON.parse(readFileSync(resultFile, 'utf8')) as RunResult);
  writeFileSync(join(args.dir, 'report.html'), renderHtml({ result, measurements, files: run.files ?? [], renderedAt: new Date().toISOString() }));
  writeFileSync(join(args.dir, 'junit.xml'), renderJunit(result));
  if (partial) writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    if (partial) process.stdout.write('the run did not finish: its verdict is rebuilt from history.jsonl (what was never recorded fails)\n');
    printSummary(result, args.dir);
  }
  return exitCodeOfVerdict(result.verdict);
}
