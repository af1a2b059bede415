import { defineConfig } from 'vitest/config';

// One Vitest run for the whole monorepo. Each package has a unit project (vitest.config.ts) and, where
// it talks to the real stack, an integration project (vitest.integration.config.ts, named
// `<package>:integration`).
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'packages/*/vitest.integration.config.ts',
      'stack/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'packed/vitest.config.ts',
    ],
  },
});
