import { defineConfig } from 'vitest/config';

// One Vitest run for the whole monorepo. Each package declares its projects (unit, and
// `<name>:integration` for tests against the real stack) in its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts'],
  },
});
