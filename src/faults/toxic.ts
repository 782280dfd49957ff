import type { ToxicType } from 'toxiproxy-node-client';
import type { FaultSpec, LinkScope, TargetRule } from '../schema/experiment.js';
import type { Fault, FaultContext, Injected } from './fault.js';
import { brokerLinks, linkNames } from './broker-links.js';
import { resolveBroker } from './targets.js';

type ToxicSpec = Extract<FaultSpec, { links: LinkScope; target: TargetRule }>;

/**
 * A fault made of one Toxiproxy toxic on every link of the target broker in scope, both
 * directions. The heal removes exactly those toxics.
 */
export function toxicFault<K extends ToxicSpec['kind']>(
  kind: K,
  type: ToxicType,
  attributes: (spec: Extract<ToxicSpec, { kind: K }>) => Record<string, number>,
): Fault<K> {
  return {
    kind,
    async inject(spec: Extract<FaultSpec, { kind: K }>, ctx: FaultContext): Promise<Injected> {
      const s = spec as Extract<ToxicSpec, { kind: K }>;
      const id = await resolveBroker(s.target, ctx);
      const links = brokerLinks(ctx, id, s.links);
      const attrs = attributes(s);
      const heal = await ctx.network.addToxic(links, type, attrs, ['upstream', 'downstream']);
      return { target: `broker-${id} (${s.links} links: ${linkNames(links)})`, heal, detail: { toxic: type, ...attrs } };
    },
  } as Fault<K>;
}
