import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@wideline/source'] },
  test: { name: 'core', include: ['test/*.test.ts'] },
});
