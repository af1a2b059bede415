import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'stack:integration',
    include: ['*.test.mjs'],
    // The first run builds the compose checker (Go, compose-go) — tens of seconds on a fresh machine.
    testTimeout: 180_000,
  },
});
