import type { HistoryEntry } from '../../history/types.js';
import { classifyIds } from './classify-ids.js';
import { collectSends } from './collect-sends.js';
import { readOutput } from './read-output.js';
import { whyNotReadToEnd } from './read-to-end.js';
import { walkOutput, type Reorder } from './walk-output.js';

export type { Reorder } from './walk-output.js';

export interface ExactlyOnceOptions {
  /** Topic(s) whose sends count as input (producer-only: the same topic as output). */
  inputTopic: string | readonly string[];
  /** Topic read back by the verifier. */
  outputTopic: string;
  /** Whether order per key is promised (then reorders are violations; otherwise counted only). */
  orderedPerKey: boolean;
  /** How many sample ids to keep per anomaly (default 10). */
  samples?: number;
}

export interface ExactlyOnceResult {
  pass: boolean;
  /** Why it could not judge, when it could not: e.g. the verifier did not read to the end. */
  unknown?: string;
  /** Records invoked (in SendInvoke on the input topic); an id sent twice counts twice. */
  sent: number;
  /** In batches completed ok. */
  acked: number;
  /** In batches completed fail (definitely not written). */
  failed: number;
  /** In batches completed info, or invoked with no completion at all (crash). */
  indeterminate: number;
  /** Records read from the output topic, duplicates and re-reads included. */
  read: number;
  /** Acked ids absent from the output: a violation. */
  lost: number;
  /** Ids present more than once in the output: a violation. */
  duplicated: number;
  /** Copies beyond the first, over all duplicated ids. */
  extraCopies: number;
  /** Ids whose first copy comes after a later-sent id of the same process and key: a violation only if orderedPerKey. */
  reordered: number;
  /** Ids with a copy whose CRC differs from the one sent: a violation. */
  corrupted: number;
  /** Ids of a batch completed `fail` that appear in the output (aborted read): a violation. */
  failedButPresent: number;
  /** Output records with no id or an id never sent (counted per record): a violation. */
  unexpected: number;
  /** Indeterminate ids present exactly once: fine, counted. */
  indeterminatePresent: number;
  /** Indeterminate ids absent: fine, counted. */
  indeterminateAbsent: number;
  samples: {
    lost: string[];
    duplicated: string[];
    reordered: Reorder[];
    corrupted: string[];
    failedButPresent: string[];
    unexpected: string[];
  };
}

/**
 * Exactly-once from input to output, as DESIGN.md states it: a pure function of the History.
 *
 * Unknown (pass false, `unknown` set) when no `read-done` for the output topic says complete
 * (loss cannot be ruled out without reading to the end), when nothing was sent to the input
 * topic (nothing to judge), or when the checker itself fails: it never throws. The counters
 * are filled in as far as they go in every case but the last.
 */
export function checkExactlyOnce(history: readonly HistoryEntry[], options: ExactlyOnceOptions): ExactlyOnceResult {
  try {
    return judge(history, options);
  } catch (e) {
    return { ...empty(), unknown: `the exactly-once checker failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function judge(history: readonly HistoryEntry[], options: ExactlyOnceOptions): ExactlyOnceResult {
  const samples = Math.max(0, Math.floor(options.samples ?? 10));
  const inputTopics = new Set(typeof options.inputTopic === 'string' ? [options.inputTopic] : options.inputTopic);
  const sends = collectSends(history, inputTopics);
  const output = readOutput(history, options.outputTopic);
  const walk = walkOutput(output.partitions, sends, samples);
  const ids = classifyIds(sends, walk.copies, samples);
  const violated =
    (ids.lost > 0 && whyNotReadToEnd(history, options.outputTopic) === undefined) ||
    ids.duplicated > 0 ||
    walk.corrupted > 0 ||
    ids.failedButPresent > 0 ||
    walk.unexpected > 0 ||
    (options.orderedPerKey && walk.reordered > 0);
  const notRead = whyNotReadToEnd(history, options.outputTopic);
  const topics = [...inputTopics].join(', ');
  const unknown =
    notRead ??
    (sends.sent === 0
      ? `nothing was sent to ${topics}: nothing to judge`
      : sends.acked === 0
        ? `nothing sent to ${topics} was acknowledged: nothing to judge`
        : undefined);
  // what was never read is not lost: without a read to the end, loss is not counted at all
  if (notRead !== undefined) {
    ids.lost = 0;
    ids.lostSamples = [];
  }
  return {
    pass: unknown === undefined && !violated,
    ...(unknown !== undefined ? { unknown } : {}),
    sent: sends.sent,
    acked: sends.acked,
    failed: sends.failed,
    indeterminate: sends.indeterminate,
    read: output.read,
    lost: ids.lost,
    duplicated: ids.duplicated,
    extraCopies: ids.extraCopies,
    reordered: walk.reordered,
    corrupted: walk.corrupted,
    failedButPresent: ids.failedButPresent,
    unexpected: walk.unexpected,
    indeterminatePresent: ids.indeterminatePresent,
    indeterminateAbsent: ids.indeterminateAbsent,
    samples: {
      lost: ids.lostSamples,
      duplicated: ids.duplicatedSamples,
      reordered: walk.reorderedSamples,
      corrupted: walk.corruptedSamples,
      failedButPresent: ids.failedButPresentSamples,
      unexpected: walk.unexpectedSamples,
    },
  };
}

/**
 * Exactly-once over every judged topic of a plan: each output against its inputs, the counts
 * summed, the samples joined (each list still bounded), unknown when any is unknown.
 */
export function checkJudged(
  history: readonly HistoryEntry[],
  judged: readonly { input: readonly string[]; output: string }[],
  orderedPerKey: boolean,
): ExactlyOnceResult {
  const results = judged.map((j) => checkExactlyOnce(history, { inputTopic: j.input, outputTopic: j.output, orderedPerKey }));
  if (results.length === 1) return results[0]!;
  if (results.length === 0) return { ...empty(), unknown: 'the plan judges no topic: nothing to judge' };
  const total = empty();
  const unknown = results.flatMap((r) => (r.unknown === undefined ? [] : [r.unknown]));
  for (const r of results) {
    for (const key of COUNTERS) total[key] += r[key];
    for (const key of Object.keys(total.samples) as (keyof ExactlyOnceResult['samples'])[]) {
      (total.samples[key] as unknown[]).push(...(r.samples[key] as unknown[]).slice(0, Math.max(0, 10 - total.samples[key].length)));
    }
  }
  return { ...total, pass: results.every((r) => r.pass), ...(unknown.length === 0 ? {} : { unknown: unknown.join('; ') }) };
}

const COUNTERS = [
  'sent',
  'acked',
  'failed',
  'indeterminate',
  'read',
  'lost',
  'duplicated',
  'extraCopies',
  'reordered',
  'corrupted',
  'failedButPresent',
  'unexpected',
  'indeterminatePresent',
  'indeterminateAbsent',
] as const;

function empty(): ExactlyOnceResult {
  const counters = { sent: 0, acked: 0, failed: 0, indeterminate: 0, read: 0, lost: 0, duplicated: 0, extraCopies: 0 };
  const anomalies = { reordered: 0, corrupted: 0, failedButPresent: 0, unexpected: 0, indeterminatePresent: 0, indeterminateAbsent: 0 };
  const samples = { lost: [], duplicated: [], reordered: [], corrupted: [], failedButPresent: [], unexpected: [] };
  return { pass: false, ...counters, ...anomalies, samples };
}
