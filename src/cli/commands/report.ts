import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { judge } from '../../check/judge.js';
import { damageText, historyDamage } from '../../check/run-progress.js';
import { UsageError } from '../../errors.js';
import { type ExitCode, exitCodeOfVerdict } from '../../exit-code.js';
import { readHistory } from '../../history/recorder.js';
import type { HistoryEntry } from '../../history/types.js';
import { writeRunReports } from '../../report/write.js';
import { printable, terminalJson } from '../../util/printable.js';
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
 *
 * Nothing in the folder is trusted: result.json is never read (the verdict is rebuilt from the
 * history), and every line of history.jsonl is checked as it is read. Damaged lines are skipped
 * and named (file:line) in the summary and the report, and the verdict of a damaged history is
 * never a pass. Without a usable run line (the plan) there is nothing to judge against: exit 2,
 * naming why, and nothing is written into the folder (it may not be a run's at all).
 */
export async function report(args: ReportArgs): Promise<ExitCode> {
  const historyFile = join(args.dir, 'history.jsonl');
  const shown = printable(historyFile);
  if (!existsSync(historyFile)) {
    throw new UsageError(`${shown} does not exist`, {
      hint: `pass the folder of a run (it holds history.jsonl), e.g. ${join('reports', '<time>-<experiment>')}`,
    });
  }
  const failOn = parseFailOn(args.failOn);
  let entries: HistoryEntry[];
  try {
    entries = await readHistory(historyFile);
  } catch (e) {
    throw new UsageError(`cannot read the history: ${printable(e instanceof Error ? e.message : String(e), 400)}; nothing was written`);
  }
  if (!entries.some((e) => e.type === 'run')) {
    const damage = historyDamage(entries);
    throw new UsageError(
      `${shown} has no usable run line (the first line of a history: the plan the run is judged against), so there is nothing to judge; nothing was written${damage === undefined ? '' : `\n  ${damageText(damage)}`}`,
      {
        hint: entries.some((e) => e.type === 'damaged' && e.problem.startsWith('a run line'))
          ? 'the run line lacks what the verdict is judged by: a history written by another version of streamchaos, or edited, cannot be judged again; run the experiment again'
          : 'is this the folder of a streamchaos run? its history.jsonl begins with {"type":"run",…}',
      },
    );
  }
  const judgement = judge(entries, failOn === undefined ? {} : { failOn });
  try {
    await writeRunReports(args.dir, judgement, entries);
  } catch (e) {
    throw new UsageError(`cannot write the reports: ${printable(e instanceof Error ? e.message : String(e), 400)}`);
  }
  const { result } = judgement;
  // names, notes and messages come from the history: the summary prints them through printable, the JSON escaped for a terminal
  if (args.json) process.stdout.write(`${terminalJson(result)}\n`);
  else printSummary(result, args.dir);
  return exitCodeOfVerdict(result.verdict);
}
