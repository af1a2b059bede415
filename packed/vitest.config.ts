import { defineProject } from 'vitest/config';

// The packages as a new user gets them: packed once (global setup) into a temporary folder outside the
// workspace, then checked tarball by tarball; the scratch apps install those tarballs with npm.
export default defineProject({
  test: {
    name: 'packed:integration',
    include: ['test/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
  },
});
