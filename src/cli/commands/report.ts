import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { judge } from '../../check/judge.js';
import { UsageError } from '../../errors.js';
import { type ExitCode, exitCodeOfVerdict } from '../../exit-code.js';
import { readHistory } from '../../history/recorder.js';
import type { HistoryEntry } from '../../history/types.js';
import { writeRunReports } from '../../report/write.js';
import { printSummary } from '../summary.js';
import { parseFailOn } from './run.js';

export interface ReportArgs {
  dir: string;
  json: boolean;
  /** `--fail-on`: judge with other blocking kinds than the run was given. */
  failOn?: string;
}

/**
 * `streamchaos report <run-dir>`: judges the run again from its history.jsonl, with the same
 * judge a live run uses, and writes result.json, junit.xml and report.html through the same
 * writer: a finished run gets the verdict it got live; one that never finished (deadline,
 * interruption, crash) is unknown and says which phases never ran. Exit 0 pass, 1 fail or unknown.
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
  if (!entries.some((e) => e.type === 'run')) throw new UsageError(`${historyFile} has no run entry: it is not the history of a streamchaos run`);
  const failOn = parseFailOn(args.failOn);
  const judgement = judge(entries, failOn === undefined ? {} : { failOn });
  await writeRunReports(args.dir, judgement, entries);
  const { result } = judgement;
  if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else printSummary(result, args.dir);
  return exitCodeOfVerdict(result.verdict);
}
