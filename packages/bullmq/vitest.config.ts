import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@wideline/source'] },
  test: { name: 'bullmq', include: ['test/*.test.ts'] },
});
