import { defineProject } from 'vitest/config';

// Fault tests kill services of the shared stack (stack/stack.mjs kill), so they run after every other
// project (groupOrder 1; see the root vitest.config.ts) and never beside another fault project.
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
