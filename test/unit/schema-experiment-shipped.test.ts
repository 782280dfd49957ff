import { describe, it, expect } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadExperiment } from '../../src/schema/load-experiment.js';

const directory = fileURLToPath(new URL('../../experiments/', import.meta.url));
const shipped = readdirSync(directory)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort();

describe('shipped experiments', () => {
  it('are there', () => {
    expect(shipped.length).toBeGreaterThan(0);
  });

  it.each(shipped)('%s is valid', async (name) => {
    const spec = await loadExperiment(`${directory}${name}`);
    expect(spec.workload.producers.length).toBeGreaterThan(0);
  });
});
