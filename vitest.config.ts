import { defineConfig } from 'vitest/config';

// Unit tests run in parallel. Integration and end-to-end tests run one file at a time in a
// single worker process (isolate: false), so they can share one real Kafka cluster
// (test/integration/shared-cluster.ts) instead of starting one per file.
export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/results.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          pool: 'forks',
          isolate: false,
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 180_000,
          hookTimeout: 600_000,
          globalSetup: ['test/integration/global-setup.ts'],
        },
      },
    ],
  },
});
