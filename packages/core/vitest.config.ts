import { defineConfig } from 'vitest/config';

const resolve = { conditions: ['@wideline/source'] };

export default defineConfig({
  resolve,
  test: {
    projects: [
      {
        resolve,
        test: { name: 'core', root: import.meta.dirname, include: ['test/*.test.ts'] },
      },
      {
        resolve,
        test: {
          name: 'core:integration',
          root: import.meta.dirname,
          include: ['test/integration/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
