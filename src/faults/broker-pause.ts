import { once } from '../network/network.js';
import type { Fault } from './fault.js';
import { resolveBroker } from './targets.js';

/** SIGSTOP a broker (a GC pause or a frozen VM: connections stay open, nothing answers); the heal resumes it. */
export const brokerPause: Fault<'broker-pause'> = {
  kind: 'broker-pause',
  async inject(spec, ctx) {
    const node = `broker-${await resolveBroker(spec.target, ctx)}`;
    await ctx.env.pause(node);
    return { target: node, heal: once(() => ctx.env.resume(node)) };
  },
};
