import { EnvironmentError } from '../errors.js';
import type { Link, LinkTopology } from '../network/topology.js';
import { linksBetween, selectLinks } from '../network/topology.js';
import type { LinkScope } from '../schema/experiment.js';
import { missingLinks } from '../schema/external-faults.js';
import type { FaultContext } from './fault.js';

/**
 * The links of broker `id` in a scope: its client link, its links with every peer (both ways), or both.
 * On a user's Toxiproxy (an external environment) a link that was not declared cannot be touched:
 * a target resolved now (a leader) may lack one, and the fault is refused rather than half done.
 */
export function brokerLinks(ctx: FaultContext, id: number, scope: LinkScope): Link[] {
  const others = ctx.topology.brokers.map((b) => b.id).filter((b) => b !== id);
  if (ctx.topology.userOwned === true) {
    const missing = missingLinks(
      ctx.topology.links,
      ctx.topology.brokers.map((b) => b.id),
      id,
      scope,
    );
    if (missing !== undefined) throw new EnvironmentError(`broker ${id} cannot be reached with links: ${scope}: no declared proxy carries ${missing}`);
  }
  const clients = selectLinks(ctx.topology, { from: 'client', to: id });
  const peers = linksBetween(ctx.topology, [id], others);
  return scope === 'clients' ? clients : scope === 'peers' ? peers : [...clients, ...peers];
}

/** `links`, or (on a user's Toxiproxy, where a link may not be declared) an error saying which traffic has no proxy. */
export function declaredLinks(topology: LinkTopology, links: Link[], traffic: string): Link[] {
  if (links.length === 0 && topology.userOwned === true) throw new EnvironmentError(`no declared proxy carries ${traffic}`);
  return links;
}

export function linkNames(links: readonly Link[]): string {
  return links.map((l) => l.name).join(', ');
}
