import { linksBetween } from '../network/topology.js';
import type { Fault } from './fault.js';
import { linkNames } from './broker-links.js';

/** Split the cluster into groups that cannot reach each other (clients still reach every broker). */
export const split: Fault<'split'> = {
  kind: 'split',
  async inject(spec, ctx) {
    const links = spec.groups.flatMap((group, i) => spec.groups.slice(i + 1).flatMap((other) => linksBetween(ctx.topology, group, other)));
    const heal = await ctx.network.cut(links);
    return { target: `${spec.groups.map((g) => `{${g.join(',')}}`).join(' | ')} (${linkNames(links)})`, heal };
  },
};
