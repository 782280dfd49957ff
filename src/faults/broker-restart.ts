import type { Fault } from './fault.js';
import { resolveBroker } from './targets.js';

/** Restart a broker (controlled shutdown, then start); instant: it is back when inject returns. */
export const brokerRestart: Fault<'broker-restart'> = {
  kind: 'broker-restart',
  async inject(spec, ctx) {
    const node = `broker-${await resolveBroker(spec.target, ctx)}`;
    await ctx.env.restart(node);
    return { target: node };
  },
};
