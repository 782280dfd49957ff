import { describeHealth, readHealth } from '../cluster/health.js';
import { sleep, waitFor } from '../util/time.js';
import type { Fault } from './fault.js';
import { resolveBrokers } from './targets.js';

/**
 * Restart brokers one at a time, as an upgrade would: each comes back and the cluster is
 * healthy again (every ISR full) before the next goes down, with `interval` between them.
 */
export const rollingRestart: Fault<'rolling-restart'> = {
  kind: 'rolling-restart',
  async inject(spec, ctx) {
    const ids = await resolveBrokers(spec.target, ctx);
    const all = ctx.topology.brokers.map((b) => b.id);
    for (const [i, id] of ids.entries()) {
      if (i > 0) await sleep(spec.intervalMs);
      await ctx.env.restart(`broker-${id}`);
      let last = '';
      await waitFor(
        async () => {
          const h = await readHealth(ctx.observer, all, []);
          last = describeHealth(h);
          return h.healthy;
        },
        { what: `the cluster to be healthy after restarting broker-${id}`, timeoutMs: 120_000, intervalMs: 250, hint: () => last },
      );
    }
    return { target: ids.map((id) => `broker-${id}`).join(', ') };
  },
};
