import { defineProject } from 'vitest/config';

// The fault suite: the demo apps under the journey while services of the shared stack (Redis,
// Jaeger, Spotlight) and the jobs service are killed, stopped and started again, with what arrived
// read back from Jaeger and the jobs service. `pnpm test` runs the `*:faults` projects in a second
// Vitest run after everything else; groupOrder 2 runs this one after bullmq:faults, and its files one
// at a time (each kills what the others rely on).
export default defineProject({
  resolve: { conditions: ['@wideline/source'] },
  test: {
    name: 'journey:faults',
    include: ['test/faults/*.test.ts'],
    sequence: { groupOrder: 2 },
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
