import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'docs/examples/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One test process per core (vitest's default leaves one core idle, which on 2 cores halves the speed).
    maxWorkers: Math.max(1, availableParallelism()),
  },
});
