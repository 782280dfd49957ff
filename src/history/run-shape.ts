import { z } from 'zod';
import { printable } from '../util/printable.js';
import type { Plan } from './plan.js';
import type { RunEntry } from './types.js';

/**
 * The shape of a history's run line (its first line): the plan the judge reads everything
 * against. Checked in full, as it is one line; what passes is rebuilt from the parsed values, so
 * nothing the line carried beyond its fields (a hostile, deeply nested extra) reaches the
 * result or the report. Numbers are finite (zod refuses NaN and ±Infinity, which `1e999`
 * parses to); durations and times are bounded, so no checker can be sent looping over years.
 */

/** Longer than any run streamchaos plans (an experiment lasts at most an hour). */
export const MAX_PLANNED_MS = 7 * 24 * 3_600_000;
/** Epoch milliseconds a Date can hold, with room for a run's span on top. */
const MAX_EPOCH_MS = 8.64e15 - 2 * MAX_PLANNED_MS;

const count = z.number().int().min(0);
const brokerId = z.number().int();
const finite = z.number();
const ms = z.number().min(0).max(MAX_PLANNED_MS);
const strings = z.array(z.string());
/** A run recorded before the plan named its clients ran them all on kafkajs. */
const KAFKAJS_BEFORE_CLIENTS = 'kafkajs';

const slos = z.object({
  exactlyOnce: z.boolean(),
  orderedPerKey: z.boolean(),
  maxIndeterminate: finite.optional(),
  maxRecoverySeconds: finite.optional(),
  maxLag: finite.optional(),
  lagRecoveredWithinSeconds: finite.optional(),
  p50LatencyMs: finite.optional(),
  p99LatencyMs: finite.optional(),
  maxLatencyMs: finite.optional(),
  minThroughputRatio: finite.optional(),
  recovery: z.object({
    throughputRatio: finite,
    holdSeconds: z
      .number()
      .min(0)
      .max(MAX_PLANNED_MS / 1000),
    lagBelow: finite,
  }),
});

const plan = z.object({
  name: z.string(),
  description: z.string().optional(),
  seed: finite,
  durationMs: ms,
  environment: z.object({
    name: z.string(),
    brokers: count,
    brokerIds: z.array(brokerId).optional(),
    kafka: z.string(),
    topics: strings,
    partitions: z.record(z.string(), count),
    minIsr: z.record(z.string(), count),
  }),
  judged: z.array(z.object({ input: strings, output: z.string(), idHeader: z.string().optional() })),
  groups: z.array(z.object({ group: z.string(), topic: z.string() })),
  external: z
    .object({
      bootstrap: z.string(),
      observer: z.string(),
      security: z.string(),
      toxiproxy: z.string().optional(),
      proxies: strings,
      possible: strings,
      impossible: strings,
    })
    .optional(),
  dryRun: z.boolean().optional(),
  producers: z.array(
    z.object({
      name: z.string(),
      topic: z.string(),
      rate: finite,
      keys: finite,
      payloadBytes: finite,
      acks: z.string(),
      idempotent: z.boolean(),
      transactional: z.boolean(),
      instances: count,
      partitions: count,
      alsoIdHeader: z.string().optional(),
      client: z.string().default(KAFKAJS_BEFORE_CLIENTS),
    }),
  ),
  processor: z
    .object({
      input: z.string(),
      output: z.string(),
      instances: count,
      mode: z.string(),
      command: strings.optional(),
      group: z.string(),
      idHeader: z.string(),
      outputPartitions: count,
      client: z.string().optional(),
    })
    .optional(),
  consumers: z
    .array(z.object({ name: z.string(), topic: z.string(), group: z.string(), instances: count, client: z.string().default(KAFKAJS_BEFORE_CLIENTS) }))
    .optional(),
  clientFallback: z.object({ reason: z.string(), clients: strings }).optional(),
  timeline: z.array(
    z.object({
      index: count,
      name: z.string(),
      kind: z.string(),
      atMs: ms,
      healAtMs: ms.optional(),
      target: z.string(),
      waitsFor: z.array(count).optional(),
    }),
  ),
  steadyState: z.object({ before: strings, after: strings }),
  slos,
  runbook: z.string().optional(),
}) satisfies z.ZodType<Plan>;

const core = z.object({
  time: z.number().min(0).max(MAX_EPOCH_MS),
  name: z.string(),
  seed: finite,
  plan,
  command: z.string(),
  version: z.string(),
});

const failOn = strings;
const files = z.array(z.object({ name: z.string(), text: z.string() }));

/** A run line checked: the entry rebuilt from its valid fields, and what is wrong with it (`without plan`, `whose plan.slos.recovery is not …`). */
export interface CheckedRun {
  /** Undefined when the line cannot serve as a run line (no plan, a plan the judge cannot read). */
  run?: RunEntry;
  /** What is wrong, in words; the line's optional parts (failOn, files) that are wrong are left out of `run`. */
  flaws: string[];
}

export function checkRunLine(o: Record<string, unknown>): CheckedRun {
  const parsed = core.safeParse(o);
  if (!parsed.success) return { flaws: [flawOf(parsed.error.issues[0], o)] };
  const run: RunEntry = { type: 'run', ...parsed.data };
  const flaws: string[] = [];
  if (o.failOn !== undefined) {
    const f = failOn.safeParse(o.failOn);
    if (f.success) run.failOn = f.data;
    else flaws.push('whose failOn is not a list of check kinds (left out: every kind blocks)');
  }
  if (o.files !== undefined) {
    const f = files.safeParse(o.files);
    if (f.success) run.files = f.data;
    else flaws.push('whose files are not a list of { name, text } (not shown)');
  }
  return { run, flaws };
}

/** `without plan.slos`, `whose plan.durationMs is not a number of milliseconds within a week` … */
function flawOf(issue: z.core.$ZodIssue | undefined, o: Record<string, unknown>): string {
  if (issue === undefined) return 'that is not a run line';
  const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
  let at: unknown = o;
  for (const p of issue.path) at = typeof at === 'object' && at !== null ? (at as Record<PropertyKey, unknown>)[p] : undefined;
  const shown = printable(path, 80);
  if (at === undefined) return `without ${shown}`;
  return `whose ${shown} is not ${expected(issue)}`;
}

const EXPECTED: Record<string, string> = { number: 'a finite number', int: 'a whole number', array: 'a list', object: 'an object', record: 'an object' };

function expected(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return EXPECTED[issue.expected] ?? `a ${issue.expected}`;
  if (issue.code === 'too_big' || issue.code === 'too_small') return 'within the bounds of a run';
  if (issue.code === 'invalid_value') return 'one of the values streamchaos writes';
  return 'what streamchaos writes';
}
