import { nativeClient } from '../../cluster/librdkafka.js';
import { formatPlan } from '../../experiment/plan-text.js';
import { planExperiment } from '../../experiment/resolve-plan.js';
import { ExitCode } from '../../exit-code.js';
import { loadExperiment } from '../../schema/load-experiment.js';
import { terminalJson } from '../../util/printable.js';
import { checkSeed } from '../seed.js';

/** `streamchaos plan`: the resolved timeline and targets, without starting anything. */
export async function plan(args: { file: string; seed?: number; json: boolean }): Promise<ExitCode> {
  checkSeed(args.seed);
  const spec = await loadExperiment(args.file);
  const native = nativeClient();
  const p = planExperiment(spec, args.seed ?? spec.seed, { librdkafka: native.available ? { available: true } : { available: false, reason: native.reason } });
  process.stdout.write(args.json ? `${terminalJson(p)}\n` : formatPlan(p));
  return ExitCode.ok;
}
