/**
 * The History: the append-only record of one run, written as JSON lines while the run goes
 * (history.jsonl), so a crashed run can still be checked and reported. Checkers are pure
 * functions of it.
 *
 * Operations follow Jepsen: an op is recorded when invoked, and again when it completes as
 * `ok` (it happened), `fail` (it definitely did not happen) or `info` (outcome unknown, e.g. a
 * timeout: it may or may not have happened). Sends are recorded per batch (the records of one
 * partition offered together); a completion covers the whole batch, or a part of it when the
 * client reports records one by one.
 *
 * Record ids are `<process>:<seq>` where `seq` counts from 0 per process in send order, so a
 * checker can tell send order per key without other data. Times are milliseconds since the
 * epoch, from the harness's clock.
 */

/** One record as produced: its id, key and the CRC-32 of its payload (the send time is the batch's). */
export interface SentRecord {
  id: string;
  key: string;
  /** CRC-32 of the payload (the record value), unsigned. */
  crc: number;
}

import type { Plan } from './plan.js';

export type { Slos } from './slos.js';

/** The first line of every history. */
export interface RunEntry {
  type: 'run';
  time: number;
  name: string;
  seed: number;
  /** The resolved plan (experiment as run), for the report and to reproduce. */
  plan: Plan;
  command: string;
  version: string;
  /** `--fail-on`: the kinds of check that fail the run; every kind when absent. */
  failOn?: string[];
  /** The experiment file and the environment file it names, as they were when the run started. */
  files?: { name: string; text: string }[];
}

export interface SendInvoke {
  type: 'send';
  phase: 'invoke';
  time: number;
  /** The producer, e.g. `producer-1`. */
  process: string;
  /** Batch number, unique per process; the completion carries the same number. */
  batch: number;
  topic: string;
  /** Set when every record of the batch goes to this one partition. */
  partition?: number;
  records: SentRecord[];
}

export interface SendComplete {
  type: 'send';
  phase: 'ok' | 'fail' | 'info';
  time: number;
  process: string;
  /** Batch numbers are unique per process across all topics. */
  batch: number;
  /** For `fail` and `info`: what the client said. */
  error?: string;
  /**
   * Set when this completion covers only part of the batch: its records `first` to
   * `first + count - 1`. A client that reports each record on its own (librdkafka) completes a
   * batch in parts, one per run of records with the same outcome; absent, it covers them all.
   */
  first?: number;
  count?: number;
  /** For `ok`, when the client reported them: the offset each covered record was written at, in order. */
  offsets?: number[];
}

/** Records read back from a topic by the verifier (after heal and drain), in offset order per partition; a position may repeat (a client can redeliver). */
export interface ReadEntry {
  type: 'read';
  time: number;
  topic: string;
  partition: number;
  records: ReadRecord[];
}

export interface ReadRecord {
  offset: number;
  /** The id carried in the record's header; undefined when the record has none. */
  id: string | undefined;
  key: string;
  /** CRC-32 of the value as read. */
  crc: number;
  /** When the header's send time allows: ms from send to when the verifier read it. Unused by exactly-once. */
  latencyMs?: number;
}

/** The verifier's closing line: it read every partition of `topic` to these end offsets. */
export interface ReadDone {
  type: 'read-done';
  time: number;
  topic: string;
  endOffsets: Record<string, number>;
  /** False when it gave up before reaching every end offset (then nothing can be concluded about loss). */
  complete: boolean;
  error?: string;
}

/** Something that happened: a phase, a fault injected or healed, a node going down or up, a note. */
export interface EventEntry {
  type: 'event';
  time: number;
  kind: 'phase' | 'load' | 'fault-start' | 'fault-heal' | 'fault-error' | 'node-down' | 'node-up' | 'probe' | 'note';
  /** e.g. the phase name, `start` / `stop` for load, the fault's label, or for a probe `steady-state before: cluster-healthy` (detail.pass: boolean). */
  name: string;
  /** For faults: the resolved target(s), e.g. `broker-2` or `links: broker-1-to-broker-2-replication,…`. */
  target?: string;
  detail?: Record<string, unknown>;
}

/** A reading of the cluster through the observer. */
export interface SampleEntry {
  type: 'sample';
  time: number;
  liveBrokers: number[];
  partitions: { topic: string; partition: number; leader: number; leaderEpoch?: number; replicas: number[]; isr: number[] }[];
  /** min.insync.replicas per topic, as configured. */
  minIsr?: Record<string, number>;
  /** The KRaft quorum leader (active controller) and epoch as each answering broker reports it. */
  quorum?: { broker: number; leader: number; epoch: number }[];
  /** Processor instances running at that moment (when the workload has a processor). */
  processorsAlive?: number;
}

/**
 * Records that became visible to a read_committed reader of `topic` (the watcher, through the
 * observer listeners), with the time it saw them: end-to-end latency is this time minus the
 * send's invoke time. `ids` holds the id header of each record (null when it has none).
 */
export interface SeenEntry {
  type: 'seen';
  time: number;
  topic: string;
  partition: number;
  ids: (string | null)[];
}

/** A consumer group's lag on one topic (end offset minus committed offset, per partition), read through the observer. */
export interface LagEntry {
  type: 'lag';
  time: number;
  group: string;
  topic: string;
  /** Lag per partition, by partition number. */
  partitions: Record<string, number>;
  total: number;
}

/**
 * Not written by a run: what the reader of a history.jsonl puts in place of a line it could not
 * use (not JSON, not an entry, a field missing or of the wrong type, a time outside the run), so
 * the judge sees that the History is damaged and says where. `count` > 1 stands for that many
 * damaged lines from `line` on, past the ones named one by one.
 */
export interface DamagedLine {
  type: 'damaged';
  /** The time of the last entry read before it (0 when none): a damaged line keeps its place in a History sorted by time. */
  time: number;
  /** The file and line, for messages: `history.jsonl:1234`. */
  file: string;
  line: number;
  /** What is wrong with it, in words, already safe to print: `a send line without records`. */
  problem: string;
  /** The last line, cut short: what a run stopped while writing leaves behind. */
  torn?: boolean;
  count?: number;
}

export type HistoryEntry = RunEntry | SendInvoke | SendComplete | ReadEntry | ReadDone | EventEntry | SampleEntry | SeenEntry | LagEntry | DamagedLine;

/** Parses `<process>:<seq>` ids; undefined when malformed. */
export function parseRecordId(id: string): { process: string; seq: number } | undefined {
  const colon = id.lastIndexOf(':');
  const digits = id.slice(colon + 1);
  if (colon <= 0 || !/^(0|[1-9]\d*)$/.test(digits)) return undefined; // canonical only: 'p:01' and 'p:' are not ids
  return { process: id.slice(0, colon), seq: Number(digits) };
}

/** The name of the note a run records once its environment is up; its detail is RuntimeInfo's fields. */
export const ENVIRONMENT_UP = 'environment up';

/** The note a run records when its load went on past `duration` for a heal still in progress (detail.extraMs, lastHealAt, reason). */
export const LOAD_EXTENDED_NOTE = 'load extended for a heal';

/** The note a dry run records (detail.skipped: the names of the faults it did not inject). */
export const DRY_RUN_NOTE = 'dry run: no fault injected';

/** The note for a fault the run ended before healing (its deadline, an error) whose node the teardown stopped for good: no restart was begun for it (detail.fault, kind, index). */
export const LEFT_TO_TEARDOWN_NOTE = 'not healed: the run ended first, the teardown stopped it';

/**
 * The phases of a run, in order (Chaos Toolkit's words): each is recorded as a `phase` event
 * when it begins (detail.phase: its id; name: what it does, in words). A History with the
 * `judge` phase ran everything before it to its end: only then can its verdict be pass or fail.
 */
export const PHASES = ['bring-up', 'steady-state-before', 'method', 'rollback', 'drain', 'steady-state-after', 'verify', 'judge'] as const;
export type PhaseId = (typeof PHASES)[number];

/** A phase in words, for a sentence: `steady-state-after` → `steady state after`. */
export function phaseWords(phase: PhaseId): string {
  return phase.replaceAll('-', ' ');
}

/** The note a run records when a signal interrupted it (detail.signal). */
export const INTERRUPTED_NOTE = 'interrupted';

/** The prefix of the note a run records when its deadline passed: `deadline passed while <phase>`. */
export const DEADLINE_NOTE_PREFIX = 'deadline passed while ';

/** The note for a fault begun late because an earlier fault's heal was still in progress (detail.fault, index, delayMs, waitedFor). */
export const FAULT_DELAYED_NOTE = 'fault began late: an earlier heal was still in progress';
