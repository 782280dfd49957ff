import { once } from '../network/network.js';
import type { Fault } from './fault.js';
import { resolveBroker } from './targets.js';

/** SIGKILL a broker (a crash: no controlled shutdown); the heal starts it again. */
export const brokerKill: Fault<'broker-kill'> = {
  kind: 'broker-kill',
  async inject(spec, ctx) {
    const node = `broker-${await resolveBroker(spec.target, ctx)}`;
    await ctx.env.kill(node);
    return { target: node, heal: once(() => ctx.env.restart(node)), undoneByTeardown: true };
  },
};
