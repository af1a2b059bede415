// `pnpm test`: the whole suite against the real stack. Installs dependencies if needed, brings the
// stack up (or finds it up), builds and typechecks every package, lints and checks for import cycles,
// then runs every Vitest project (unit and `*:integration`), and after them the `*:faults` projects, which crash services of the
// shared stack. Extra arguments go to Vitest, e.g. `pnpm test --project core`.
//
// The suite runs on Jaeger's memory store (WIDELINE_TRACE_STORE=memory unless you set it): it reads
// back everything Wideline writes, span-link attributes included, which the default Badger store
// drops (Jaeger 2.13 keeps Badger traces in its v1 span model); and a run's few hundred throwaway
// services stay out of your 7-day store. A stack already up on Badger is switched for the run and
// switched back after it (its data stays on disk meanwhile). The Badger store has tests of its own
// (stack/jaeger-store.test.mjs), on private stacks.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, ensureInstalled, repo, step, tryStep } from './lib.mjs';

const started = Date.now();
const recorded = join(repo, '.wideline', 'stack', 'jaeger.json');
const before = existsSync(recorded) ? JSON.parse(readFileSync(recorded, 'utf8')) : undefined;
const storeEnv = { WIDELINE_TRACE_STORE: process.env.WIDELINE_TRACE_STORE || 'memory' };

ensureInstalled();
step('stack up (Jaeger, Redis, Spotlight)', process.execPath, ['stack/stack.mjs', 'up'], { env: storeEnv });
const failed = suite();
if (before?.store && before.store !== storeEnv.WIDELINE_TRACE_STORE) {
  const env = { WIDELINE_TRACE_STORE: before.store, WIDELINE_TRACE_RETENTION: before.retention };
  tryStep(`stack: Jaeger back on its ${before.store} store`, process.execPath, ['stack/stack.mjs', 'up', 'jaeger'], {
    env,
  });
}
if (failed) process.exit(failed);

function suite() {
  const built = tryStep('build and typecheck', bin('turbo'), [
    'run',
    'build',
    'typecheck',
    '--output-logs=errors-only',
  ]);
  if (built) return built;
  const linted =
    tryStep('lint', bin('biome'), ['check', '.']) || tryStep('import cycles', process.execPath, ['scripts/cycles.mjs']);
  if (linted) return linted;
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
    const reporters = ['--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
    const status = tryStep(title, bin('vitest'), ['run', ...reporters, ...vitestArgs], { env: storeEnv });
    if (status) return status;
    const counts = JSON.parse(readFileSync(report, 'utf8'));
    for (const key of Object.keys(totals)) totals[key] += counts[key];
  }
  console.log(`\nAll green in ${((Date.now() - started) / 1000).toFixed(0)}s.`);
  // The plain closing line CI reads: counts from Vitest's own JSON reports.
  console.log(
    `tests: ${totals.numPassedTests} passed, ${totals.numFailedTests} failed, ${totals.numPendingTests} skipped`,
  );
  return 0;
}
