import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@wideline/source'] },
  test: {
    name: 'query:integration',
    include: ['test/integration/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
