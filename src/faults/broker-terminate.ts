import { once } from '../network/network.js';
import type { Fault } from './fault.js';
import { resolveBroker } from './targets.js';

/** SIGTERM a broker (a clean, controlled shutdown); the heal starts it again. */
export const brokerTerminate: Fault<'broker-terminate'> = {
  kind: 'broker-terminate',
  async inject(spec, ctx) {
    const node = `broker-${await resolveBroker(spec.target, ctx)}`;
    await ctx.env.terminate(node);
    return { target: node, heal: once(() => ctx.env.restart(node)), undoneByTeardown: true };
  },
};
