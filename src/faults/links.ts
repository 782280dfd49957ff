import type { Link } from '../network/topology.js';
import { linksBetween, selectLinks } from '../network/topology.js';
import type { LinkScope } from '../spec/experiment.js';
import type { FaultContext } from './fault.js';

/** The links of broker `id` in a scope: its client link, its links with every peer (both ways), or both. */
export function brokerLinks(ctx: FaultContext, id: number, scope: LinkScope): Link[] {
  const others = ctx.topology.brokers.map((b) => b.id).filter((b) => b !== id);
  const clients = selectLinks(ctx.topology, { from: 'client', to: id });
  const peers = linksBetween(ctx.topology, [id], others);
  return scope === 'clients' ? clients : scope === 'peers' ? peers : [...clients, ...peers];
}

export function linkNames(links: readonly Link[]): string {
  return links.map((l) => l.name).join(', ');
}
