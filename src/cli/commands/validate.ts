import type { ExitCode } from '../../exit-code.js';
import { InvalidInputError, UsageError } from '../../errors.js';
import type { EnvironmentSpec } from '../../schema/environment.js';
import { formatDuration, type ExperimentSpec } from '../../schema/experiment.js';
import { loadSpecFile } from '../../schema/load-experiment.js';
import { printable, printableLines } from '../../util/printable.js';
import { count } from '../../util/words.js';
import { c } from '../output.js';

/**
 * `streamchaos validate <files…>`: checks environment and experiment files without starting
 * anything (an experiment together with the environment it names) and reports every problem
 * of every file, then exits 2 if any file has one. A file is an experiment when it is a
 * mapping with `timeline` or `workload`, an environment otherwise.
 */
export async function validate(args: { files: readonly string[] }): Promise<ExitCode> {
  if (args.files.length === 0) {
    throw new UsageError('name at least one file to validate, e.g. environments/local-3.yaml or experiments/leader-kill.yaml');
  }
  let bad = 0;
  for (const file of args.files) {
    try {
      const loaded = await loadSpecFile(file);
      const summary = loaded.kind === 'environment' ? describeEnvironment(loaded.spec) : describeExperiment(loaded.spec);
      process.stdout.write(`${c.green('✓')} ${printable(file, 160)}: ${printable(summary, 1000)}\n`);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      bad++;
      const lines = e instanceof InvalidInputError ? e.message.split('\n').slice(1) : [`  ${e.message}`];
      process.stdout.write(`${c.red('✗')} ${printable(file, 160)}\n${printableLines(lines.join('\n'))}\n`);
    }
  }
  if (bad > 0) process.stderr.write(`${bad} of ${args.files.length} files have problems\n`);
  return bad > 0 ? 2 : 0;
}

function describeEnvironment(spec: EnvironmentSpec): string {
  if (spec.runtime === 'external') {
    return `external environment ${spec.name} (non-production) at ${spec.bootstrap.join(',')}, ${count(spec.toxiproxy?.proxies.length ?? 0, 'declared proxy', 'declared proxies')}, ${count(spec.topics.length, 'topic')}`;
  }
  return `environment ${spec.name}, ${count(spec.brokers.count, 'broker')}, Kafka ${spec.kafka.version}, ${count(spec.topics.length, 'topic')}`;
}

function describeExperiment(spec: ExperimentSpec): string {
  return `experiment ${spec.name}, ${count(spec.timeline.length, 'fault')} over ${formatDuration(spec.durationMs)}, environment ${spec.environment.name}`;
}
