import { defineConfig } from 'vitest/config';

// One Vitest run for the whole monorepo. Each package has a unit project (vitest.config.ts) and, where
// it talks to the real stack, an integration project (vitest.integration.config.ts, named
// `<package>:integration`). Fault projects (vitest.faults.config.ts, `<name>:faults`) kill services of
// the shared stack: `pnpm test` runs them in a second Vitest run after all the others, and each sets
// `sequence.groupOrder` to a number of its own (1, 2, …) so that they run one project at a time.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/*/vitest.integration.config.ts',
      'packages/*/vitest.faults.config.ts',
      'apps/*/vitest.faults.config.ts',
      'stack/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'packed/vitest.config.ts',
      'bench/*/vitest.config.ts',
    ],
  },
});
