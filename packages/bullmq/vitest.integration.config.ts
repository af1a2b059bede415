import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@wideline/source'] },
  test: {
    name: 'bullmq:integration',
    include: ['test/integration/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
