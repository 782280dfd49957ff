/**
 * Which faults are possible in an external environment. streamchaos does not run its brokers,
 * so node faults on brokers are impossible; a network fault is possible when every link it
 * needs is one of the proxies the user declared. Pure: used at validation time (with file:line),
 * by `plan`, and again at injection time for targets resolved then (a leader may be a broker
 * without a declared proxy).
 */
import type { ExternalEnvironmentSpec } from './external-environment.js';
import type { FaultKind, FaultSpec, LinkScope, TargetRule } from './experiment.js';
import { describeTarget } from './target-rules.js';

/** A link as the rules see it: clients → broker `to`, or broker `from` → broker `to`. */
export interface LinkEnd {
  kind: 'client' | 'replication' | 'controller';
  from: 'client' | number;
  to: number;
}

export const BROKER_NODE_KINDS: readonly FaultKind[] = ['broker-kill', 'broker-terminate', 'broker-pause', 'broker-restart', 'rolling-restart'];

/** Each list of links as a set of `from>to` keys (client or replication links only), built once per list: `has` stays O(1). */
const linkKeys = new WeakMap<readonly LinkEnd[], Set<string>>();

function has(links: readonly LinkEnd[], from: 'client' | number, to: number): boolean {
  let keys = linkKeys.get(links);
  if (keys === undefined) {
    keys = new Set(links.filter((l) => (l.from === 'client' ? l.kind === 'client' : l.kind === 'replication')).map((l) => `${l.from}>${l.to}`));
    linkKeys.set(links, keys);
  }
  return keys.has(`${from}>${to}`);
}

/** Missing links named in one message, at most; the rest are counted. */
const MISSING_SHOWN = 10;

/**
 * What is missing for a network fault on broker `id` in `scope`, in words, or undefined when
 * every link is declared. `brokers` are the brokers the environment knows (its peers).
 */
export function missingLinks(links: readonly LinkEnd[], brokers: readonly number[], id: number, scope: LinkScope): string | undefined {
  const missing: string[] = [];
  if (scope !== 'peers' && !has(links, 'client', id)) missing.push(`clients → broker ${id}`);
  if (scope !== 'clients') {
    const peers = brokers.filter((b) => b !== id);
    if (peers.length === 0) missing.push(`broker ${id} ↔ its peers (no other broker is declared)`);
    for (const p of peers) {
      if (!has(links, id, p)) missing.push(`broker ${id} → broker ${p} (replication)`);
      if (!has(links, p, id)) missing.push(`broker ${p} → broker ${id} (replication)`);
    }
  }
  if (missing.length === 0) return undefined;
  const more = missing.length - MISSING_SHOWN;
  return more > 0 ? `${missing.slice(0, MISSING_SHOWN).join(', ')} and ${more} more` : missing.join(', ');
}

/** The brokers a target may hit: one named broker, all of them, or (a role resolved at injection) any of them. */
function candidates(rule: TargetRule, brokers: readonly number[]): { ids: readonly number[]; role: boolean } {
  if (rule.type === 'broker') return { ids: [rule.id], role: false };
  if (rule.type === 'all-brokers') return { ids: brokers, role: false };
  return { ids: brokers, role: true };
}

function linksOf(env: ExternalEnvironmentSpec): LinkEnd[] {
  return (env.toxiproxy?.proxies ?? []).map((p) => ({ kind: p.kind, from: p.from, to: p.to }));
}

function brokersOf(links: readonly LinkEnd[]): number[] {
  return [...new Set(links.flatMap((l) => (l.from === 'client' ? [l.to] : [l.from, l.to])))].sort((a, b) => a - b);
}

const fix = (scope: LinkScope): string =>
  scope === 'clients'
    ? 'declare a client proxy ({ name, broker }) for it under toxiproxy.proxies'
    : 'declare the broker → broker proxies ({ name, from, to, kind: replication }) under toxiproxy.proxies, or use links: clients';

/** Why `fault` cannot run in `env`, or undefined when it can. */
export function externalFaultProblem(fault: FaultSpec, env: ExternalEnvironmentSpec): string | undefined {
  if (BROKER_NODE_KINDS.includes(fault.kind)) {
    return `${fault.kind} is not possible in external environment ${env.name}: streamchaos does not run its brokers, so it cannot stop, pause or restart them; use a network fault on its declared proxies instead (isolate, blackhole, cut, latency…)`;
  }
  if (fault.kind === 'processor-kill' || fault.kind === 'processor-pause') return undefined; // our processors run as local processes
  const links = linksOf(env);
  if (env.toxiproxy === undefined || links.length === 0) {
    return `${fault.kind} needs Toxiproxy proxies, and external environment ${env.name} declares none: add toxiproxy: { api, proxies } to it`;
  }
  const brokers = brokersOf(links);
  const check = (rule: TargetRule, scope: LinkScope): string | undefined => {
    const { ids, role } = candidates(rule, brokers);
    for (const id of ids) {
      if (!brokers.includes(id))
        return `${fault.kind} on broker ${id} is not possible in external environment ${env.name}: no declared proxy reaches broker ${id} (its proxies reach brokers ${brokers.join(', ')})`;
      const missing = missingLinks(links, brokers, id, scope);
      if (missing !== undefined) {
        const who = role ? `${describeTarget(rule)} (any of brokers ${brokers.join(', ')}, resolved when injected)` : `broker ${id}`;
        return `${fault.kind} on ${who} with links: ${scope} is not possible in external environment ${env.name}: it needs proxies that are not declared: ${missing}; ${fix(scope)}`;
      }
    }
    return undefined;
  };
  switch (fault.kind) {
    case 'isolate':
      return check(fault.target, fault.from === 'clients' ? 'clients' : fault.from === 'peers' ? 'peers' : 'all');
    case 'cut': {
      if (fault.from.type === 'clients') return check(fault.to, 'clients');
      const from = candidates(fault.from, brokers).ids;
      const to = candidates(fault.to, brokers).ids;
      for (const a of from) {
        for (const b of to) {
          if (a !== b && !has(links, a, b)) {
            return `cut from broker ${a} to broker ${b} is not possible in external environment ${env.name}: no proxy declared for broker ${a} → broker ${b} (replication); declare it under toxiproxy.proxies ({ name, from: ${a}, to: ${b}, kind: replication })`;
          }
        }
      }
      return undefined;
    }
    case 'split': {
      for (const [i, group] of fault.groups.entries()) {
        for (const other of fault.groups.slice(i + 1)) {
          for (const a of group) {
            for (const b of other) {
              const gone = [has(links, a, b) ? undefined : `broker ${a} → broker ${b}`, has(links, b, a) ? undefined : `broker ${b} → broker ${a}`].filter(
                Boolean,
              );
              if (gone.length > 0)
                return `split is not possible in external environment ${env.name}: it needs broker → broker proxies that are not declared: ${gone.join(', ')} (replication); declare them under toxiproxy.proxies`;
            }
          }
        }
      }
      return undefined;
    }
    default:
      return 'links' in fault ? check(fault.target, fault.links) : undefined;
  }
}

/** One line per kind of fault: possible in `env` or not, and why; for `streamchaos plan`. */
export function externalCapabilities(env: ExternalEnvironmentSpec): { possible: string[]; impossible: string[] } {
  const links = linksOf(env);
  const brokers = brokersOf(links);
  const clients = brokers.filter((b) => has(links, 'client', b));
  const peersOk = brokers.filter((b) => missingLinks(links, brokers, b, 'peers') === undefined);
  const possible: string[] = ['processor-kill, processor-pause (streamchaos runs the processors)'];
  const impossible: string[] = [`${BROKER_NODE_KINDS.join(', ')}: streamchaos does not run these brokers`];
  if (env.toxiproxy === undefined || links.length === 0) {
    impossible.push('every network fault: no Toxiproxy proxy is declared (toxiproxy.proxies)');
    return { possible, impossible };
  }
  const list = (ids: readonly number[]): string => ids.map((b) => `broker-${b}`).join(', ');
  if (clients.length > 0)
    possible.push(
      `network faults with links: clients, isolate from clients, cut from clients, on ${list(clients)}${clients.length === brokers.length ? ' (and on roles: leader, controller, coordinators, random broker)' : ''}`,
    );
  else impossible.push('network faults on client traffic: no client proxy ({ name, broker }) is declared');
  if (peersOk.length > 0)
    possible.push(`network faults with links: peers or all, isolate from peers or everyone, split, cut between brokers, on ${list(peersOk)}`);
  else
    impossible.push(
      'network faults on replication (links: peers or all — the default —, isolate from peers or everyone, split, cut between brokers): not every broker → broker proxy is declared, in both directions',
    );
  return { possible, impossible };
}
