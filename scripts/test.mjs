// `pnpm test`: the whole suite against the real stack. Installs dependencies if needed, brings the
// stack up (or finds it up), builds and typechecks every package, lints, then runs every Vitest project
// (unit and `*:integration`), and after them the `*:faults` projects, which crash services of the
// shared stack. Extra arguments go to Vitest, e.g. `pnpm test --project core`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, ensureInstalled, repo, step } from './lib.mjs';

const started = Date.now();
ensureInstalled();
step('stack up (Jaeger, Redis, Spotlight)', process.execPath, ['stack/stack.mjs', 'up']);
step('build and typecheck', bin('turbo'), ['run', 'build', 'typecheck', '--output-logs=errors-only']);
step('lint', bin('biome'), ['check', '.']);

const args = process.argv.slice(2);
// Fault tests kill the stack's Redis or Jaeger, so nothing else may run beside them: a second Vitest
// run after the first. (Their `sequence.groupOrder` does not order them when Vitest runs one worker:
// it then runs every group-0 file last.) `--project` given: one run, as asked.
const runs = args.includes('--project')
  ? [['tests', args]]
  : [
      ['tests', [...args, '--project', '!*:faults']],
      [
        'fault tests (services of the stack killed on purpose)',
        [...args, '--project', '*:faults', '--passWithNoTests'],
      ],
    ];
const totals = { numPassedTests: 0, numFailedTests: 0, numPendingTests: 0 };
for (const [index, [title, vitestArgs]] of runs.entries()) {
  const report = join(repo, '.wideline', `vitest-report-${index}.json`);
  step(title, bin('vitest'), [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...vitestArgs,
  ]);
  const counts = JSON.parse(readFileSync(report, 'utf8'));
  for (const key of Object.keys(totals)) totals[key] += counts[key];
}
console.log(`\nAll green in ${((Date.now() - started) / 1000).toFixed(0)}s.`);
// The plain closing line CI reads: counts from Vitest's own JSON reports.
console.log(
  `tests: ${totals.numPassedTests} passed, ${totals.numFailedTests} failed, ${totals.numPendingTests} skipped`,
);
