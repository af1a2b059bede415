import { defineProject } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources (the `@wideline/source` export condition),
// on the server side too, so tests never run against a stale build.
const conditions = ['@wideline/source'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'bullmq:integration',
    include: ['test/integration/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
