import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resultFromHistory } from '../check/from-history.js';
import { measure } from '../check/measure.js';
import type { Measurements } from '../check/measurements.js';
import type { RunResult } from '../check/result.js';
import type { HistoryEntry } from '../history/types.js';
import { renderHtml } from '../report/html.js';
import { renderJunit } from '../report/junit.js';
import type { ExperimentSpec } from '../schema/experiment.js';

/** Writes result.json, report.html and junit.xml into the run's folder. */
export async function writeReports(outDir: string, result: RunResult, measurements: Measurements, entries: readonly HistoryEntry[]): Promise<void> {
  const run = entries.find((e) => e.type === 'run');
  await writeFile(join(outDir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(outDir, 'junit.xml'), renderJunit(result));
  await writeFile(join(outDir, 'report.html'), renderHtml({ result, measurements, files: run?.files ?? [], renderedAt: new Date().toISOString() }));
}

/**
 * After the deadline: result.json, report.html and junit.xml from what the History holds, as
 * `streamchaos report` would write them (what was never recorded fails). Never throws.
 */
export async function writePartialReports(outDir: string, entries: readonly HistoryEntry[], spec: ExperimentSpec, log: (line: string) => void): Promise<void> {
  try {
    const measurements = measure(entries, spec.slos.recovery);
    await writeReports(outDir, resultFromHistory(entries, measurements), measurements, entries);
  } catch (e) {
    log(`could not write the reports of the abandoned run: ${e instanceof Error ? e.message : String(e)}`);
  }
}
