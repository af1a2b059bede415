import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@wideline/source'] },
  test: { name: 'query', include: ['test/*.test.ts'] },
});
