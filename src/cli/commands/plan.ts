import { formatPlan, planExperiment } from '../../experiment/plan.js';
import { UsageError } from '../../errors.js';
import { loadExperiment } from '../../spec/load-experiment.js';

/** `streamchaos plan`: the resolved timeline and targets, without starting anything. */
export async function plan(args: { file: string; seed?: number; json: boolean }): Promise<number> {
  if (args.seed !== undefined && !(Number.isSafeInteger(args.seed) && args.seed >= 0)) {
    throw new UsageError(`--seed must be a whole number of at least 0, got ${String(args.seed)}`);
  }
  const spec = await loadExperiment(args.file);
  const p = planExperiment(spec, args.seed ?? spec.seed);
  process.stdout.write(args.json ? JSON.stringify(p, null, 2) + '\n' : formatPlan(p));
  return 0;
}
