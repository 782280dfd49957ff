import { EnvironmentError } from '../errors.js';
import type { TargetRule } from '../schema/experiment.js';
import type { FaultContext } from './fault.js';

/** The processor instance a rule names, drawn from the fault's random stream the way the plan draws it. */
export function processorName(rule: TargetRule, ctx: FaultContext): string {
  const group = ctx.processors;
  if (group === undefined) throw new EnvironmentError('this experiment runs no processor to target');
  if (rule.type === 'processor') return `processor-${rule.instance}`;
  if (rule.type === 'random-processor') return `processor-${ctx.random.int(group.names().length) + 1}`; // as the plan draws it
  throw new EnvironmentError(`${rule.type} is not a processor target`);
}
