import { UsageError } from '../errors.js';
import type { Progress } from '../provision/progress.js';
import { didYouMean } from '../schema/suggest.js';
import { ensureTools } from '../provision/tools.js';
import { connectEngine } from './docker/engine.js';
import { DockerRuntime } from './docker/docker-runtime.js';
import { ProcessRuntime } from './process/process-runtime.js';
import type { Runtime } from './runtime.js';
import { ExternalRuntime } from './external.js';
import { managedOnly, type EnvironmentSpec } from '../schema/environment.js';

export const RUNTIMES = ['process', 'docker'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/**
 * The runtime for `env`, ready to go: for `process`, Kafka and Toxiproxy found or installed on
 * this machine; for `docker`, an engine that answers (nothing else is needed on the machine: the
 * images carry Kafka and Toxiproxy); for `external`, nothing to prepare (it starts nothing).
 * `override` is `--runtime`, which an external environment refuses (UsageError).
 */
export async function prepareRuntime(env: EnvironmentSpec, progress: Progress, override?: RuntimeName): Promise<Runtime> {
  if (env.runtime === 'external') {
    if (override !== undefined) managedOnly(env, `--runtime ${override}`);
    return new ExternalRuntime();
  }
  if ((override ?? env.runtime) === 'docker') return new DockerRuntime(await connectEngine());
  return new ProcessRuntime(await ensureTools(env.kafka.version, progress));
}

/** `--runtime process|docker`, or undefined to use the environment's own. (An external environment is never started: no flag makes it one.) */
export function parseRuntime(value: string | undefined): RuntimeName | undefined {
  if (value === undefined) return undefined;
  const known: readonly string[] = RUNTIMES;
  if (!known.includes(value))
    throw new UsageError(`--runtime: '${value}' is not a runtime${didYouMean(value, RUNTIMES)}`, { hint: `use one of: ${RUNTIMES.join(', ')}` });
  return value as RuntimeName;
}
