import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@wideline/source'] },
  test: {
    name: 'browser:integration',
    include: ['test/integration/*.test.ts'],
    globalSetup: ['test/integration/global-setup.ts'],
    // One Chromium serves every file; running files one after another keeps the timings honest on
    // a shared two-core machine.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
