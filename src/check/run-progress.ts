import { DEADLINE_NOTE_PREFIX, type EventEntry, type HistoryEntry, INTERRUPTED_NOTE, PHASES, type PhaseId, phaseWords } from '../history/types.js';

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
