import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@wideline/source'] },
  // The engine tests start ClickHouse in process (chDB), and some run the CLI as a child process: on
  // a shared 2-core machine either can take longer than Vitest's default 5 s without anything wrong.
  test: { name: 'query', include: ['test/*.test.ts'], testTimeout: 30_000 },
});
