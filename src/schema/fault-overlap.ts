/**
 * The overlap rule of a timeline, judged on what each fault can reach, not only on what it
 * names: a target resolved when the fault begins (a random broker, the leader of a partition,
 * the controller, a coordinator) may be any broker, and a fault is refused when it may act on a
 * node another fault holds at that time. What holds what:
 *
 * - A node fault (kill, terminate, pause, of a broker or a processor) holds its node for its
 *   window, [at, heal). A restart is instant in the file, but takes its node down and up again:
 *   it holds its node for RESTART_HOLD_MS; a rolling restart holds every broker it restarts from
 *   its start until the last is back (its intervals, and RESTART_HOLD_MS per broker). Two holds
 *   that may fall on one node at once are refused: the second would kill, pause or restart a node
 *   that is already down (a broker killed twice, a kill inside a rolling restart, restarts
 *   within one another). Holds one after the other are fine: a fault waits at run time for the
 *   faults planned to be over before it (history/plan.ts faultsToWaitFor), late if need be.
 * - A partition (isolate, split, cut) holds the links it cuts. Two that may cut one link at once
 *   are refused: the first to heal enables the link again while the other still means it cut.
 *
 * Allowed, on purpose: network faults that add toxics (latency, bandwidth, blackhole, reset-peer,
 * slow-close, slicer, limit-data) stack on a link, each heal removing only its own toxics, so they
 * may overlap one another, a partition, or any node fault; and a node fault may overlap a network
 * fault on the same broker (a killed broker behind a slow link is a scenario, not a conflict): one
 * acts on the process, the other on its proxies. Two partitions on different links of one broker
 * (its client link cut, a peer link cut) are fine too.
 */
import type { Collector } from './collector.js';
import { formatDuration } from './duration.js';
import { environmentBrokerIds } from './environment.js';
import type { FaultSpec, TargetRule } from './experiment.js';
import { NODE_FAULT_KINDS } from './fault-fields.js';
import { describeTarget, type TargetContext } from './target-rules.js';

/**
 * How long a restart holds its node in this rule: the least a restart takes (a clean stop, then
 * start and register with the cluster again: 10-20 s here). A fault planned on the node later
 * than that, while the restart is in fact still going, waits for it at run time (noted as late).
 */
export const RESTART_HOLD_MS = 10_000;

/** What a fault may hold for a while: nodes (`broker-2`, `processor-1`) or links (`clients>2`, `1>2`). */
interface Hold {
  index: number;
  start: number;
  end: number;
  things: ReadonlySet<string>;
  /** Why it may hold them, when its target is resolved when it begins (not one named node). */
  because?: string;
  /** The field the problem is reported at. */
  field: string;
}

/** Any broker or processor, when the environment's brokers or the processor's instances are unknown (invalid elsewhere). */
const ANY_BROKER = 'broker-*';
const ANY_PROCESSOR = 'processor-*';

/**
 * Reports, at the fault that begins later (the later listed, when two begin together), every
 * fault that may act on a node or cut a link another fault holds at that time. One sweep over
 * the faults by start: the faults still holding something are pairwise apart (a refused fault
 * holds nothing), so at most one per node or link, and the cost stays linear in the faults.
 */
export function noOverlap(c: Collector, faults: ReadonlyArray<FaultSpec | undefined>, context: TargetContext): void {
  const brokers = context.env === undefined ? undefined : environmentBrokerIds(context.env);
  const processors = typeof context.processors === 'number' ? context.processors : undefined;
  const reach = (rule: TargetRule) => reachOf(rule, brokers, processors);
  const nodes = faults.flatMap((f, index) => (f === undefined ? [] : (nodeHold(f, index, reach) ?? [])));
  const links = faults.flatMap((f, index) => (f === undefined || brokers === undefined ? [] : (linkHold(f, index, brokers, reach) ?? [])));
  for (const [holds, message] of [
    [nodes, nodeMessage],
    [links, linkMessage],
  ] as const) {
    let holding: Hold[] = [];
    for (const later of [...holds].sort((a, b) => a.start - b.start || a.index - b.index)) {
      holding = holding.filter((h) => h.end > later.start);
      const clash = holding.flatMap((earlier) => {
        const shared = common(earlier, later);
        return shared === undefined ? [] : [{ earlier, shared }];
      })[0];
      if (clash === undefined) holding.push(later);
      else c.add(['timeline', later.index, later.field], message(clash.earlier, later, clash.shared, faults));
    }
  }
}

interface Reach {
  nodes: string[];
  because?: string;
}

/** The nodes a target may be when its fault begins. */
function reachOf(rule: TargetRule, brokers: readonly number[] | undefined, processors: number | undefined): Reach {
  const everyBroker = brokers === undefined ? [ANY_BROKER] : brokers.map((b) => `broker-${b}`);
  switch (rule.type) {
    case 'broker':
      return { nodes: [`broker-${rule.id}`] };
    case 'processor':
      return { nodes: [`processor-${rule.instance}`] };
    case 'all-brokers':
      return { nodes: everyBroker };
    case 'random-broker':
      return { nodes: everyBroker, because: 'a random broker may be any broker (the seed draws it, and --seed draws another)' };
    case 'random-processor':
      return {
        nodes: processors === undefined ? [ANY_PROCESSOR] : Array.from({ length: processors }, (_, i) => `processor-${i + 1}`),
        because: 'a random processor may be any instance (the seed draws it, and --seed draws another)',
      };
    default:
      return { nodes: everyBroker, because: `${describeTarget(rule)} may be any broker when the fault begins` };
  }
}

function nodeHold(f: FaultSpec, index: number, reach: (rule: TargetRule) => Reach): Hold | undefined {
  if ((!NODE_FAULT_KINDS.includes(f.kind) && f.kind !== 'rolling-restart') || !('target' in f)) return undefined;
  const r = reach(f.target);
  const end =
    f.kind === 'broker-restart'
      ? f.atMs + RESTART_HOLD_MS
      : f.kind === 'rolling-restart'
        ? f.atMs + (r.nodes.length - 1) * f.intervalMs + r.nodes.length * RESTART_HOLD_MS
        : (f.healAtMs ?? Number.POSITIVE_INFINITY);
  return { index, start: f.atMs, end, things: new Set(r.nodes), ...(r.because === undefined ? {} : { because: r.because }), field: 'target' };
}

/** The links a partition cuts, each `<from>><to>` (`clients>2`, `1>2`), for every broker its targets may be. */
function linkHold(f: FaultSpec, index: number, brokers: readonly number[], reach: (rule: TargetRule) => Reach): Hold | undefined {
  const ids = (rule: TargetRule): { ids: number[]; because?: string } => {
    const r = reach(rule);
    return { ids: r.nodes.map((n) => Number(n.slice('broker-'.length))), ...(r.because === undefined ? {} : { because: r.because }) };
  };
  const both = (a: number, b: number) => (a === b ? [] : [`${a}>${b}`, `${b}>${a}`]);
  let links: string[];
  let because: string | undefined;
  let field = 'target';
  if (f.kind === 'isolate') {
    const t = ids(f.target);
    because = t.because;
    const clients = f.from === 'peers' ? [] : t.ids.map((b) => `clients>${b}`);
    const peers = f.from === 'clients' ? [] : t.ids.flatMap((b) => brokers.flatMap((o) => both(b, o)));
    links = [...clients, ...peers];
  } else if (f.kind === 'split') {
    field = 'groups';
    links = f.groups.flatMap((g, i) => f.groups.slice(i + 1).flatMap((h) => g.flatMap((a) => h.flatMap((b) => both(a, b)))));
  } else if (f.kind === 'cut') {
    field = 'to';
    const to = ids(f.to);
    const from = f.from.type === 'clients' ? { ids: [] as number[] } : ids(f.from);
    because = [from.because, to.because].filter((x) => x !== undefined).join('; ') || undefined;
    links = f.from.type === 'clients' ? to.ids.map((t) => `clients>${t}`) : from.ids.flatMap((a) => to.ids.flatMap((b) => (a === b ? [] : [`${a}>${b}`])));
  } else return undefined;
  return { index, start: f.atMs, end: f.healAtMs ?? Number.POSITIVE_INFINITY, things: new Set(links), ...(because === undefined ? {} : { because }), field };
}

/** A node or link both may hold (a named one rather than a wildcard), or undefined. */
function common(a: Hold, b: Hold): string | undefined {
  const [small, large] = a.things.size <= b.things.size ? [a.things, b.things] : [b.things, a.things];
  for (const x of small) if (large.has(x)) return x;
  for (const any of [ANY_BROKER, ANY_PROCESSOR]) {
    const prefix = any.slice(0, -1);
    const inA = a.things.has(any) || [...a.things].some((x) => x.startsWith(prefix));
    const inB = b.things.has(any) || [...b.things].some((x) => x.startsWith(prefix));
    if ((a.things.has(any) || b.things.has(any)) && inA && inB) return [...a.things, ...b.things].find((x) => x.startsWith(prefix) && x !== any) ?? any;
  }
  return undefined;
}

/** `('kill broker 2', from 10s to 30s)`, or for a restart how long it holds its node. */
function when(h: Hold, faults: ReadonlyArray<FaultSpec | undefined>): string {
  const f = faults[h.index];
  const name = `'${f?.name ?? ''}'`;
  if (f?.kind === 'broker-restart') return `${name}, at ${formatDuration(h.start)}; a restart holds its node ${formatDuration(RESTART_HOLD_MS)}`;
  if (f?.kind === 'rolling-restart')
    return `${name}, from ${formatDuration(h.start)}, restarting one broker after another until about ${formatDuration(h.end)}`;
  return f?.healAtMs === undefined ? `${name}, at ${formatDuration(h.start)}` : `${name}, from ${formatDuration(h.start)} to ${formatDuration(f.healAtMs)}`;
}

function reasons(a: Hold, b: Hold): string {
  return [...new Set([a.because, b.because].filter((x): x is string => x !== undefined))].join('; ');
}

function nodeMessage(earlier: Hold, later: Hold, node: string, faults: ReadonlyArray<FaultSpec | undefined>): string {
  const why = reasons(earlier, later);
  const head = `overlaps timeline[${earlier.index}] (${when(earlier, faults)})`;
  if (why === '') return `${head} on ${node}: faults on the same node cannot overlap in time`;
  const kind = node.startsWith('processor-') ? 'processor' : 'broker';
  return `${head} and may act on the same ${kind} (${node}): ${why}; faults on the same node cannot overlap in time (to stop two ${kind}s at once, name them: ${kind}-1, ${kind}-2)`;
}

function linkMessage(earlier: Hold, later: Hold, link: string, faults: ReadonlyArray<FaultSpec | undefined>): string {
  const [from, to] = link.split('>');
  const words = `${from === 'clients' ? 'clients' : `broker-${from}`} → broker-${to}`;
  const why = reasons(earlier, later);
  return `overlaps timeline[${earlier.index}] (${when(earlier, faults)}) and ${why === '' ? 'cuts' : 'may cut'} the same link (${words})${why === '' ? '' : `: ${why}`}; the first to heal would restore it while the other still cuts it: cut these links in one fault (one split or isolate), or one after the other`;
}
