import { defineConfig } from 'vitest/config';

/** Load tests that hog a core for a minute: they run after everything else, not beside the browser tests. */
const HEAVY = ['test/integration/monthly-refresh-10k.test.ts', 'test/integration/generations-concurrency.test.ts'];

export default defineConfig({
  test: {
    environment: 'node',
    pool: 'forks',
    // Two cores in CI: two workers, each with its own in-memory dynalite.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default'],
    // expect.poll waits on a condition (a page re-rendering after a request, a function's cold start):
    // on a loaded 2-core machine that takes seconds, not vitest's default 1 s. A condition that never
    // holds still fails, after 15 s.
    expect: { poll: { timeout: 15_000, interval: 50 } },
    // Handlers log structured JSON; tests read responses, not logs.
    env: { LOG_LEVEL: 'SILENT', POWERTOOLS_LOG_LEVEL: 'SILENT' },
    projects: [
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: HEAVY, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'load', include: HEAVY, sequence: { groupOrder: 1 } } },
    ],
  },
});
