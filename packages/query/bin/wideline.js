#!/usr/bin/env node
// The `wideline` executable. A committed file rather than dist/cli.js itself, so that package
// managers can link the bin in a workspace before anything is built.
try {
  await import('../dist/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.js')) throw error;
  console.error(
    'wideline: @wideline/query is not built (no dist/cli.js). Build it: pnpm --filter @wideline/query build',
  );
  process.exitCode = 1;
}
