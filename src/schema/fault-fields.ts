/**
 * Fields shared by the fault kinds: the window (`at`, `duration`, `healAt`), the kind itself,
 * fields a kind refuses, and the broker groups of a split.
 */
import { z } from 'zod';
import { displayName } from './display-name.js';
import { duration } from './duration.js';
import type { FaultKind } from './experiment.js';
import { environmentBrokerIds } from './environment.js';
import { expected, wholeNumber } from './fields.js';
import { didYouMean } from './suggest.js';
import type { TargetContext } from './target-rules.js';
import { count } from '../util/words.js';

export const FAULT_KINDS = [
  'broker-kill',
  'broker-terminate',
  'broker-pause',
  'broker-restart',
  'rolling-restart',
  'processor-kill',
  'processor-pause',
  'latency',
  'bandwidth',
  'blackhole',
  'reset-peer',
  'slow-close',
  'slicer',
  'limit-data',
  'isolate',
  'split',
  'cut',
] as const satisfies readonly FaultKind[];

/** Kinds that stop or restart one node; two of them on the same named node may not overlap. */
export const NODE_FAULT_KINDS: readonly FaultKind[] = [
  'broker-kill',
  'broker-terminate',
  'broker-pause',
  'broker-restart',
  'processor-kill',
  'processor-pause',
];

/** Kinds that happen at one moment and leave nothing to heal. */
export const INSTANT_KINDS: readonly FaultKind[] = ['broker-restart', 'rolling-restart'];

function isFaultKind(kind: string): kind is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(kind);
}

export const kindField = z.string({ error: expected(`a fault kind, one of ${FAULT_KINDS.join(', ')}`) }).transform((kind, ctx): FaultKind => {
  if (isFaultKind(kind)) return kind;
  const hint = didYouMean(kind, FAULT_KINDS) || `; the kinds are ${FAULT_KINDS.join(', ')}`;
  ctx.addIssue({ code: 'custom', message: `'${kind}' is not a fault kind${hint}` });
  return z.NEVER;
});

/** A field this kind does not take, with the reason; absent is fine. Points at the key. */
export function refused(why: string): z.ZodType<undefined> {
  return z.unknown().transform((value, ctx) => {
    if (value !== undefined) ctx.addIssue({ code: 'custom', message: why, params: { atKey: true } });
    return undefined;
  });
}

/** The fields every fault has: a name, when it starts, and (unless instant) when it heals. */
export function headFields(kind: FaultKind, instant: boolean) {
  const window = (min: 'zero' | 'positive', key: string): z.ZodType<number | undefined> =>
    instant ? refused(`'${key}': ${kind} is instant and takes no duration or healAt; remove this line`) : duration(min).optional();
  return {
    name: displayName('a name for the fault', 'a fault name cannot be empty; leave the field out for the default name').optional(),
    at: duration('zero'),
    duration: window('positive', 'duration'),
    healAt: window('zero', 'healAt'),
  };
}

/** The groups of a split: at least two disjoint, non-empty lists of broker ids of the environment. */
export function groupsField(context: TargetContext) {
  const group = z
    .array(wholeNumber(1), { error: expected('a group: a list of broker ids, e.g. [2, 3]') })
    .min(1, { error: 'a group needs at least one broker' });
  return z
    .array(group, { error: expected('a list of groups of broker ids, e.g. [[1], [2, 3]]') })
    .min(2, { error: 'a split needs at least 2 groups, e.g. [[1], [2, 3]]' })
    .superRefine((groups, ctx) => {
      const seen = new Map<number, number>();
      const env = context.env;
      for (const [g, ids] of groups.entries()) {
        for (const [i, id] of ids.entries()) {
          const earlier = seen.get(id);
          const known = env === undefined ? undefined : environmentBrokerIds(env);
          if (env !== undefined && known !== undefined && !known.includes(id)) {
            const has =
              env.runtime === 'external' ? `declares proxies for brokers ${known.join(', ') || '(none)'} only` : `has ${count(known.length, 'broker')}`;
            ctx.addIssue({ code: 'custom', path: [g, i], message: `broker ${id} does not exist: environment ${env.name} ${has}` });
          } else if (earlier !== undefined) {
            ctx.addIssue({ code: 'custom', path: [g, i], message: `broker ${id} is already in groups[${earlier}]; the groups must not overlap` });
          } else seen.set(id, g);
        }
      }
    });
}
