import { once } from '../network/network.js';
import type { Fault } from './fault.js';
import { processorName } from './processor-target.js';

/**
 * SIGSTOP a processor instance. Paused past its session timeout it becomes a zombie: the group
 * gives its partitions to another instance, whose producers fence it. When the heal resumes
 * it, whatever it still tries to commit must be refused.
 */
export const processorPause: Fault<'processor-pause'> = {
  kind: 'processor-pause',
  async inject(spec, ctx) {
    const name = processorName(spec.target, ctx);
    await ctx.processors!.pause(name);
    return { target: name, heal: once(() => ctx.processors!.resume(name)) };
  },
};
