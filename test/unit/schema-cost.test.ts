/**
 * Checking a file costs about as much as the file is long, whatever it holds: a name of a
 * megabyte gets no did-you-mean (the work counter proves it), and a mapping of 60,000 keys is
 * refused as a whole in about ten times the time of one of 6,000 (a quadratic check took 282 s).
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError, formatIssue } from '../../src/errors.js';
import { parseEnvironment } from '../../src/schema/load-environment.js';
import { parseExperiment } from '../../src/schema/load-experiment.js';
import { suggestWork } from '../../src/schema/suggest.js';

function refusal(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('accepted');
}

async function refusalOf(run: () => Promise<unknown>): Promise<string[]> {
  try {
    await run();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.issues.map(formatIssue);
    throw error;
  }
  throw new Error('accepted');
}

const brokerConfigOf = (n: number): string => `brokers:\n  count: 1\n  config:\n${Array.from({ length: n }, (_, i) => `    setting.${i}: v`).join('\n')}\n`;

describe('the cost of checking a file', () => {
  // Time is measured in `npm run bench` (section validation: 10x the keys, 10x the time); here the
  // size alone bounds it: quadratic, the 60,000 keys took 282 s, far past the test's timeout.
  it('refuses a 60,000-key mapping with one problem', () => {
    const big = brokerConfigOf(60_000);
    expect(refusal(() => parseEnvironment(big, 'big.yaml'))).toEqual([
      'big.yaml:4:5: brokers.config: 60,000 settings; at most 1,000 are allowed here, far more than any cluster needs',
    ]);
  });

  it('gives no did-you-mean for a 1.5 MB topic reference, and does no edit-distance work for it', async () => {
    const huge = 'orders'.repeat(250_000);
    const text = [
      'environment:',
      '  brokers: { count: 1 }',
      '  topics: [{ name: orders, partitions: 1, replicationFactor: 1 }]',
      'duration: 10s',
      'workload:',
      `  producers: [{ topic: ${huge}, rate: 10 }]`,
    ].join('\n');
    const before = suggestWork.cells;
    const found = await refusalOf(() => parseExperiment(text, 'huge.yaml'));
    expect(suggestWork.cells - before).toBe(0);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^huge\.yaml:6:24: workload\.producers\[0\]\.topic: /);
    expect(found[0]!.length).toBeLessThan(1_000); // the name is cut, not quoted whole
  });

  it('refuses a long value of a setting the topic cannot take (a URL search at every position took 11 s for 60 kB)', () => {
    const big = `brokers: { count: 1 }\ntopics:\n  - { name: t, partitions: 1, replicationFactor: 1, config: { compression.type: ${'lz4'.repeat(20_000)} } }\n`;
    const found = refusal(() => parseEnvironment(big, 'big.yaml'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^big\.yaml:3:\d+: topics\[0\]\.config\.compression\.type: /);
    expect(found[0]!.length).toBeLessThan(1_000);
  });

  it('suggests within a bounded amount of work for many short wrong names', () => {
    const text = `brokers: { count: 1 }\ntopics:\n  - name: t\n    partitions: 1\n    replicationFactor: 1\n    config: { ${Array.from({ length: 100 }, (_, i) => `min.insync.replica${i}: 1`).join(', ')} }\n`;
    const before = suggestWork.cells;
    expect(refusal(() => parseEnvironment(text, 'typos.yaml')).length).toBeGreaterThan(20);
    expect(suggestWork.cells - before).toBeLessThan(100 * 34 * 64 * 64);
  });
});
