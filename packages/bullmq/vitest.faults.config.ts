import { defineProject } from 'vitest/config';

// Fault tests kill services of the shared stack (stack/stack.mjs kill). `pnpm test` runs the `*:faults`
// projects in a second Vitest run, after everything else; groupOrder 1 (see the root vitest.config.ts)
// orders them the same way when Vitest runs them with others on several workers.
const conditions = ['@wideline/source'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: 'bullmq:faults',
    include: ['test/faults/*.test.ts'],
    sequence: { groupOrder: 1 },
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
