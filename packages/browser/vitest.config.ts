import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@wideline/source'] },
  test: { name: 'browser', include: ['test/*.test.ts'], testTimeout: 30_000 },
});
