import { UsageError } from '../errors.js';

/** A `--seed` from the command line: a whole number of at least 0, or a usage error (exit 2). */
export function checkSeed(seed: number | undefined): number | undefined {
  if (seed !== undefined && !(Number.isSafeInteger(seed) && seed >= 0)) {
    throw new UsageError(`--seed must be a whole number of at least 0, got ${String(seed)}`);
  }
  return seed;
}
