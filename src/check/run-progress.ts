import {
  DEADLINE_NOTE_PREFIX,
  type DamagedLine,
  type EventEntry,
  type HistoryEntry,
  INTERRUPTED_NOTE,
  PHASES,
  type PhaseId,
  phaseWords,
} from '../history/types.js';

/** How far a run got, read from its History. */
export interface RunProgress {
  /** Every phase ran to its end and the run reached its judgement, with no deadline and no interruption. */
  finished: boolean;
  /** The phases that began, in order. */
  phasesRun: PhaseId[];
  /** The phases that never began. */
  phasesNotRun: PhaseId[];
  /** When not finished: why, in words (`the deadline passed while running load…`, `the history ends while …`). */
  reason?: string;
}

/**
 * A run is finished when its History holds the `judge` phase (recorded once verification
 * completed) and neither a deadline nor an interruption cut it. Anything less is unfinished: a
 * run stopped by its deadline, interrupted by a signal, or whose harness was killed or crashed
 * (its History simply ends). Histories of streamchaos before phases were recorded by id read
 * as unfinished: their verdict cannot be rebuilt honestly.
 */
export function runProgress(history: readonly HistoryEntry[]): RunProgress {
  const events = history.filter((e): e is EventEntry => e.type === 'event');
  const phases = events.filter((e) => e.kind === 'phase');
  const known = new Set<string>(PHASES);
  const phasesRun = phases.map((e) => e.detail?.phase).filter((p): p is PhaseId => typeof p === 'string' && known.has(p));
  const phasesNotRun = PHASES.filter((p) => !phasesRun.includes(p));
  const deadline = events.find((e) => e.kind === 'note' && e.name.startsWith(DEADLINE_NOTE_PREFIX));
  const interrupted = events.find((e) => e.kind === 'note' && e.name === INTERRUPTED_NOTE);
  const last = phases.at(-1);
  const where = last === undefined ? 'before its first phase' : `while ${last.name}`;
  const reason =
    interrupted !== undefined
      ? `the run was interrupted by ${String(interrupted.detail?.signal ?? 'a signal')} ${where}`
      : deadline !== undefined
        ? `the run's deadline passed while ${deadline.name.slice(DEADLINE_NOTE_PREFIX.length)}`
        : !phasesRun.includes('judge')
          ? `the history ends ${where}: the harness stopped before the run finished (killed, crashed or an error)`
          : undefined;
  return { finished: reason === undefined, phasesRun, phasesNotRun, ...(reason === undefined ? {} : { reason }) };
}

/** `never ran: drain, steady state after, verify` (empty when every phase ran). */
export function phasesNotRunText(progress: RunProgress): string {
  return progress.phasesNotRun.length === 0 ? '' : `never ran: ${progress.phasesNotRun.map(phaseWords).join(', ')}`;
}

/** What the reader of a history.jsonl could not use (history/read-history.ts): its damaged lines. */
export interface HistoryDamage {
  /** Damaged lines in all. */
  count: number;
  /** The first ones, each as `history.jsonl:12: a send line without records; skipped`. */
  lines: string[];
  /** The only damage is the last line, cut short: what a run killed while writing leaves behind. */
  tornOnly: boolean;
}

/** Lines named in a message; the report and result.json count the rest. */
const NAMED_LINES = 3;

/** The damage of a History as read, or undefined when every line was an entry. */
export function historyDamage(history: readonly HistoryEntry[]): HistoryDamage | undefined {
  const damaged = history.filter((e): e is DamagedLine => e.type === 'damaged');
  if (damaged.length === 0) return undefined;
  const count = damaged.reduce((n, d) => n + (d.count ?? 1), 0);
  const lines = damaged.slice(0, NAMED_LINES).map((d) => `${d.file}:${d.line}: ${d.problem}`);
  return { count, lines, tornOnly: damaged.length === 1 && damaged[0]?.torn === true };
}

/** `3 damaged lines: history.jsonl:12: …; history.jsonl:40: …; and 1 more`. */
export function damageText(damage: HistoryDamage): string {
  const more = damage.count - damage.lines.length;
  return `${damage.count} damaged line${damage.count === 1 ? '' : 's'}: ${damage.lines.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}
