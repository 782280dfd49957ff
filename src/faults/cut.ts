import { selectLinks } from '../network/topology.js';
import type { Fault } from './fault.js';
import { declaredLinks, linkNames } from './broker-links.js';
import { resolveBroker } from './targets.js';

/**
 * A one-way cut: connections initiated by `from` (clients, or a broker) towards `to` fail,
 * while `to` can still open connections the other way.
 */
export const cut: Fault<'cut'> = {
  kind: 'cut',
  async inject(spec, ctx) {
    // same order as the plan draws random targets: from, then to
    const from = spec.from.type === 'clients' ? 'client' : await resolveBroker(spec.from, ctx);
    const to = await resolveBroker(spec.to, ctx);
    const links = declaredLinks(ctx.topology, selectLinks(ctx.topology, { from, to }), `${from === 'client' ? 'clients' : `broker ${from}`} → broker ${to}`);
    const heal = await ctx.network.cut(links);
    return { target: `${from === 'client' ? 'clients' : `broker-${from}`} → broker-${to} (${linkNames(links)})`, heal };
  },
};
