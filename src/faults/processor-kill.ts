import { once } from '../network/network.js';
import type { Fault } from './fault.js';
import { processorName } from './processor-target.js';

/** SIGKILL a processor instance mid-stream (maybe mid-transaction); the heal starts it again. */
export const processorKill: Fault<'processor-kill'> = {
  kind: 'processor-kill',
  async inject(spec, ctx) {
    const name = processorName(spec.target, ctx);
    await ctx.processors!.kill(name);
    return { target: name, heal: once(() => ctx.processors!.restart(name)), undoneByTeardown: true };
  },
};
