import { defineProject } from 'vitest/config';

// Integration tests run in Node: they start the Worker under `wrangler dev` (workerd), a downstream
// Node server and an OTLP proxy, and read results back from the real Jaeger and Spotlight.
export default defineProject({
  resolve: { conditions: ['@wideline/source'] },
  test: {
    name: 'worker:integration',
    include: ['test/integration/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
