/**
 * The parameters of each fault kind, strict per kind: a field another kind takes, or a typo,
 * is an unknown field here, reported with the closest field this kind knows.
 */
import type { z } from 'zod';
import type { Collector, Values } from './collector.js';
import { duration } from './duration.js';
import type { FaultKind, FaultSpec, NodeFaultKind } from './experiment.js';
import { INSTANT_KINDS, groupsField, headFields, refused } from './fault-fields.js';
import { choice, wholeNumber } from './fields.js';
import type { PathSegment } from './locate.js';
import { clientsOrBrokerField, targetField, type TargetContext } from './target-rules.js';

/** A fault's kind-specific part: everything but its name and window. */
export type FaultBody = FaultSpec extends infer F ? (F extends unknown ? Omit<F, 'name' | 'atMs' | 'healAtMs'> : never) : never;

/** One fault as far as it parsed: undefined parts were invalid (and reported). */
export interface ParsedFault {
  name: string | undefined;
  atMs: number | undefined;
  /** `duration` as written (relative), and `healAt` (absolute). */
  durationMs: number | undefined;
  healAtMs: number | undefined;
  instant: boolean;
  /** Undefined when any field of the fault is invalid. */
  body: FaultBody | undefined;
}

type KindParser = (c: Collector, raw: Record<string, unknown>, path: readonly PathSegment[], context: TargetContext) => ParsedFault;

export const FAULT_WHAT = 'a fault: a mapping with at least at and kind';

/**
 * A kind with the parameter fields `params`, turned into its FaultBody by `build`. `rules`
 * look across its parameters and return [field, message] pairs.
 */
function define<S extends z.ZodRawShape>(
  kind: FaultKind,
  instant: boolean,
  params: (context: TargetContext) => S,
  build: (v: Values<S>) => FaultBody,
  rules: (v: Partial<Values<S>>) => Array<[field: string, message: string]> = () => [],
): KindParser {
  return (c, raw, path, context) => {
    const shape = params(context);
    const head = c.fields(headFields(kind, instant), raw, path, FAULT_WHAT, { alsoKnown: ['kind', ...Object.keys(shape)] });
    const body = c.fields(shape, raw, path, FAULT_WHAT, { ignoreUnknown: true });
    const problems = body === undefined ? [] : rules(body.values);
    for (const [field, message] of problems) c.add([...path, field], message);
    const all = problems.length === 0 ? body?.all : undefined;
    return {
      name: head?.values.name,
      atMs: head?.values.at,
      durationMs: head?.values.duration,
      healAtMs: head?.values.healAt,
      instant,
      body: head?.all === undefined || all === undefined ? undefined : build(all),
    };
  };
}

function node(kind: NodeFaultKind, category: 'broker' | 'processor'): KindParser {
  return define(
    kind,
    INSTANT_KINDS.includes(kind),
    (ctx) => ({ target: targetField(category, kind, ctx) }),
    (v) => ({ kind, target: v.target }),
  );
}

const links = choice(['clients', 'peers', 'all']).default('all');
const broker = (kind: FaultKind, ctx: TargetContext) => targetField('broker', kind, ctx);
const noTarget = (why: string) => refused(`'target': ${why}`);

export const KIND_PARSERS: Record<FaultKind, KindParser> = {
  'broker-kill': node('broker-kill', 'broker'),
  'broker-terminate': node('broker-terminate', 'broker'),
  'broker-pause': node('broker-pause', 'broker'),
  'broker-restart': node('broker-restart', 'broker'),
  'processor-kill': node('processor-kill', 'processor'),
  'processor-pause': node('processor-pause', 'processor'),
  'rolling-restart': define(
    'rolling-restart',
    true,
    (ctx) => ({ target: targetField('brokers', 'rolling-restart', ctx).default({ type: 'all-brokers' }), interval: duration('positive').default(10_000) }),
    (v) => ({ kind: 'rolling-restart', target: v.target, intervalMs: v.interval }),
  ),
  latency: define(
    'latency',
    false,
    (ctx) => ({ target: broker('latency', ctx), links, latency: duration('positive'), jitter: duration('zero').default(0) }),
    (v) => ({ kind: 'latency', target: v.target, links: v.links, latencyMs: v.latency, jitterMs: v.jitter }),
  ),
  bandwidth: define(
    'bandwidth',
    false,
    (ctx) => ({ target: broker('bandwidth', ctx), links, rate: wholeNumber(1) }),
    (v) => ({ kind: 'bandwidth', target: v.target, links: v.links, rateKBps: v.rate }),
  ),
  blackhole: define(
    'blackhole',
    false,
    (ctx) => ({ target: broker('blackhole', ctx), links }),
    (v) => ({ kind: 'blackhole', target: v.target, links: v.links }),
  ),
  'reset-peer': define(
    'reset-peer',
    false,
    (ctx) => ({ target: broker('reset-peer', ctx), links, timeout: duration('zero').default(0) }),
    (v) => ({ kind: 'reset-peer', target: v.target, links: v.links, timeoutMs: v.timeout }),
  ),
  'slow-close': define(
    'slow-close',
    false,
    (ctx) => ({ target: broker('slow-close', ctx), links, delay: duration('positive') }),
    (v) => ({ kind: 'slow-close', target: v.target, links: v.links, delayMs: v.delay }),
  ),
  slicer: define(
    'slicer',
    false,
    (ctx) => ({
      target: broker('slicer', ctx),
      links,
      averageSize: wholeNumber(1),
      sizeVariation: wholeNumber(0).default(0),
      delay: duration('zero').default(0),
    }),
    (v) => ({ kind: 'slicer', target: v.target, links: v.links, averageSize: v.averageSize, sizeVariation: v.sizeVariation, delayUs: v.delay * 1000 }),
    ({ averageSize, sizeVariation }) =>
      averageSize !== undefined && sizeVariation !== undefined && sizeVariation >= averageSize
        ? [['sizeVariation', `must be less than averageSize (${averageSize}), got ${sizeVariation}`]]
        : [],
  ),
  'limit-data': define(
    'limit-data',
    false,
    (ctx) => ({ target: broker('limit-data', ctx), links, bytes: wholeNumber(1) }),
    (v) => ({ kind: 'limit-data', target: v.target, links: v.links, bytes: v.bytes }),
  ),
  isolate: define(
    'isolate',
    false,
    // `all brokers from clients`: the clients lose the whole cluster (an outage between the application tier and Kafka)
    (ctx) => ({ target: targetField('brokers', 'isolate', ctx), from: choice(['everyone', 'peers', 'clients']).default('everyone') }),
    (v) => ({ kind: 'isolate', target: v.target, from: v.from }),
  ),
  split: define(
    'split',
    false,
    (ctx) => ({ groups: groupsField(ctx), target: noTarget('split takes no target: it names its brokers in groups; remove this line') }),
    (v) => ({ kind: 'split', groups: v.groups }),
  ),
  cut: define(
    'cut',
    false,
    (ctx) => ({
      from: clientsOrBrokerField('cut', ctx),
      to: broker('cut', ctx),
      target: noTarget("cut takes no target: name the ends of the cut with 'from' and 'to'"),
    }),
    (v) => ({ kind: 'cut', from: v.from, to: v.to }),
  ),
};
