// `pnpm test`: the whole suite against the real stack. Installs dependencies if needed, brings the
// stack up (or finds it up), builds and typechecks every package, lints, then runs every Vitest project
// (unit and `*:integration`). Extra arguments go to Vitest, e.g. `pnpm test --project core`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, ensureInstalled, repo, step } from './lib.mjs';

const started = Date.now();
ensureInstalled();
step('stack up (Jaeger, Redis, Spotlight)', process.execPath, ['stack/stack.mjs', 'up']);
step('build and typecheck', bin('turbo'), ['run', 'build', 'typecheck', '--output-logs=errors-only']);
step('lint', bin('biome'), ['check', '.']);
const report = join(repo, '.wideline', 'vitest-report.json');
step('tests', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);
const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, 'utf8'));
console.log(`\nAll green in ${((Date.now() - started) / 1000).toFixed(0)}s.`);
// The plain closing line CI reads: counts from Vitest's own JSON report.
console.log(`tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`);
