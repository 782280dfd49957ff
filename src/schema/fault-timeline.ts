/**
 * The `timeline` of an experiment: its faults, each parsed by its kind, then the rules that look
 * across them: every window inside the experiment's duration, and no two faults on a node (or
 * a link) they may both reach at once (fault-overlap.ts).
 */
import type { Collector } from './collector.js';
import { formatDuration } from './duration.js';
import type { FaultSpec } from './experiment.js';
import { externalFaultProblem } from './external-faults.js';
import { kindField } from './fault-fields.js';
import { FAULT_WHAT, KIND_PARSERS, type FaultBody, type ParsedFault } from './fault-kinds.js';
import { noOverlap } from './fault-overlap.js';
import type { PathSegment } from './locate.js';
import { describeValue } from './fields.js';
import { count, LIMITS } from './limits.js';
import { formatTarget, type TargetContext } from './target-rules.js';
import { isRecord } from './view.js';

export interface TimelineContext extends TargetContext {
  /** The experiment's duration; undefined when invalid (windows are then not checked against it). */
  durationMs: number | undefined;
}

/**
 * Parses `timeline` (raw data), reporting every problem to `c`. Returns the faults sorted by
 * start (stable), or undefined when any is invalid.
 */
export function parseTimeline(c: Collector, raw: unknown, context: TimelineContext): FaultSpec[] | undefined {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    c.add(['timeline'], `expected a list of faults, received ${describeValue(raw)}`);
    return undefined;
  }
  if (raw.length > LIMITS.faults) {
    c.add(['timeline'], `${count(raw.length)} faults; at most ${count(LIMITS.faults)} are allowed on one timeline, far more than a gameday needs`);
    return undefined;
  }
  const faults = raw.map((item: unknown, index) => {
    const path = ['timeline', index];
    const parsed = parseFault(c, item, path, context);
    const fault = parsed === undefined ? undefined : windowed(c, parsed, path, context.durationMs);
    const env = context.env;
    const impossible = fault === undefined || env?.runtime !== 'external' ? undefined : externalFaultProblem(fault, env);
    if (impossible !== undefined) c.add([...path, 'kind'], impossible);
    return impossible === undefined ? fault : undefined;
  });
  noOverlap(c, faults, context);
  const valid = faults.filter((f): f is FaultSpec => f !== undefined);
  return valid.length === faults.length ? valid.sort((a, b) => a.atMs - b.atMs) : undefined;
}

function parseFault(c: Collector, raw: unknown, path: PathSegment[], context: TargetContext): ParsedFault | undefined {
  if (!isRecord(raw)) {
    c.add(path, `expected ${FAULT_WHAT}, received ${describeValue(raw)}`);
    return undefined;
  }
  const kind = c.value(kindField, raw.kind, [...path, 'kind']);
  if (kind === undefined) return undefined;
  if ((kind === 'processor-kill' || kind === 'processor-pause') && context.processors === 'none') {
    c.add([...path, 'kind'], `${kind} needs a processor, and the workload has none: add workload.processor`);
    return undefined;
  }
  return KIND_PARSERS[kind](c, raw, path, context);
}

/** The fault with its window resolved and checked; undefined (with problems reported) when invalid. */
function windowed(c: Collector, fault: ParsedFault, path: PathSegment[], durationMs: number | undefined): FaultSpec | undefined {
  const { atMs, durationMs: length, healAtMs: healAt, body } = fault;
  let valid = body !== undefined && atMs !== undefined;
  const problem = (field: string, message: string): void => {
    c.add([...path, field], message);
    valid = false;
  };
  if (length !== undefined && healAt !== undefined) problem('healAt', 'give either duration or healAt, not both');
  else if (healAt !== undefined && atMs !== undefined && healAt <= atMs) {
    problem('healAt', `healAt (${formatDuration(healAt)}) must be later than at (${formatDuration(atMs)})`);
  }
  const end = length !== undefined && atMs !== undefined ? atMs + length : healAt;
  if (durationMs !== undefined && atMs !== undefined && atMs >= durationMs) {
    problem(
      'at',
      `starts at ${formatDuration(atMs)}, when load has already stopped: a fault must start before the experiment's duration (${formatDuration(durationMs)}) ends`,
    );
  } else if (durationMs !== undefined && end !== undefined && end > durationMs) {
    const over = formatDuration(end - durationMs);
    problem(
      length !== undefined ? 'duration' : 'healAt',
      `heals at ${formatDuration(end)}, ${over} after the experiment's duration (${formatDuration(durationMs)}) ends; a fault heals by then at the latest`,
    );
  }
  if (!valid || body === undefined || atMs === undefined) return undefined;
  const healAtMs = fault.instant ? undefined : (end ?? durationMs);
  const name = fault.name ?? `${body.kind} ${label(body)}`;
  return { name, atMs, ...(healAtMs === undefined ? {} : { healAtMs }), ...body };
}

/** What the default name of a fault says it hits: its target, or the groups or ends of a partition. */
function label(body: FaultBody): string {
  switch (body.kind) {
    case 'split':
      return body.groups.map((g) => `{${g.join(',')}}`).join(' | ');
    case 'cut':
      return `${formatTarget(body.from)} → ${formatTarget(body.to)}`;
    default:
      return formatTarget(body.target);
  }
}
