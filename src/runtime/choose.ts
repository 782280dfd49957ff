import { UsageError } from '../errors.js';
import type { Progress } from '../provision/progress.js';
import { didYouMean } from '../spec/suggest.js';
import { ensureTools } from '../provision/setup.js';
import { connectEngine } from './docker-engine.js';
import { DockerRuntime } from './docker.js';
import { ProcessRuntime } from './process.js';
import type { Runtime } from './runtime.js';

export const RUNTIMES = ['process', 'docker'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/**
 * The runtime to start an environment with, ready to go: for `process`, Kafka and Toxiproxy
 * found or installed on this machine; for `docker`, an engine that answers (nothing else is
 * needed on the machine: the images carry Kafka and Toxiproxy).
 */
export async function prepareRuntime(name: RuntimeName, kafkaVersion: string, progress: Progress): Promise<Runtime> {
  if (name === 'docker') return new DockerRuntime(await connectEngine());
  return new ProcessRuntime(await ensureTools(kafkaVersion, progress));
}

/** `--runtime process|docker`, or undefined to use the environment's own. */
export function parseRuntime(value: string | undefined): RuntimeName | undefined {
  if (value === undefined) return undefined;
  const known: readonly string[] = RUNTIMES;
  if (!known.includes(value)) throw new UsageError(`--runtime: '${value}' is not a runtime${didYouMean(value, RUNTIMES)}`, { hint: `use one of: ${RUNTIMES.join(', ')}` });
  return value as RuntimeName;
}
