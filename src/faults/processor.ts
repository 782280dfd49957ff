import { EnvironmentError } from '../errors.js';
import { once } from '../network/links.js';
import type { TargetRule } from '../spec/experiment.js';
import type { Fault, FaultContext } from './fault.js';

function processorName(rule: TargetRule, ctx: FaultContext): string {
  const group = ctx.processors;
  if (group === undefined) throw new EnvironmentError('this experiment runs no processor to target');
  if (rule.type === 'processor') return `processor-${rule.instance}`;
  if (rule.type === 'random-processor') return `processor-${ctx.random.int(group.names().length) + 1}`; // as the plan draws it
  throw new EnvironmentError(`${rule.type} is not a processor target`);
}

/** SIGKILL a processor instance mid-stream (maybe mid-transaction); the heal starts it again. */
export const processorKill: Fault<'processor-kill'> = {
  kind: 'processor-kill',
  async inject(spec, ctx) {
    const name = processorName(spec.target, ctx);
    await ctx.processors!.kill(name);
    return { target: name, heal: once(() => ctx.processors!.restart(name)) };
  },
};

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
