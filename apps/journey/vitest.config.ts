import { defineProject } from 'vitest/config';

// The end-to-end journey against the real stack: the three apps on free ports (so it can run beside
// `pnpm demo` or other tests), Chromium driving the page, results read back from Jaeger and Spotlight.
export default defineProject({
  resolve: { conditions: ['@wideline/source'] },
  test: {
    name: 'journey:integration',
    include: ['test/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 150_000,
  },
});
