/**
 * `pnpm bench`: runs the benchmarks, then compares their results with the committed baseline.
 *
 *   pnpm bench                          every benchmark in bench/*, then the comparison
 *   pnpm bench bullmq core              the benchmarks of bench/bullmq and bench/core, then the comparison
 *   pnpm bench --compare [--all]        only the comparison of bench/results/ with bench/baseline/
 *   pnpm bench --save-baseline [name…]  copies results (all, or the named benchmarks) into bench/baseline/
 *
 * Benchmarks run through turbo (`turbo run bench`), which builds the packages they use first. The
 * comparison exits 0 whatever moved: on a shared machine absolute figures move with the load, so
 * it reports, it does not gate. It exits 1 only when it cannot compare (no results, no baseline,
 * a malformed file).
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareResults } from './compare.ts';
import { readResultsDir, saveBaseline } from './files.ts';
import { formatReport } from './format.ts';
import { BENCH_ROOT, baselineDir, resultsDir } from './paths.ts';

const USAGE = `usage: pnpm bench [package…] | --compare [--all] | --save-baseline [benchmark…]
  package    a directory of bench/ with a bench script: ${benchPackages().join(', ')}
  --compare  compare bench/results/ with bench/baseline/ without running anything
  --all      list unchanged metrics too
  --save-baseline  copy results into bench/baseline/ (then commit it)`;

/** Directories of bench/ whose package.json has a `bench` script. */
function benchPackages(): string[] {
  return readdirSync(BENCH_ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(BENCH_ROOT, entry.name, 'package.json')))
    .filter((entry) => {
      const pkg = JSON.parse(readFileSync(join(BENCH_ROOT, entry.name, 'package.json'), 'utf8'));
      return typeof pkg.scripts?.bench === 'string';
    })
    .map((entry) => entry.name)
    .sort();
}

/** Prints the comparison; `afterRun`: a missing baseline is a hint, not a failure. */
function compare(all: boolean, afterRun = false): number {
  const results = resultsDir();
  const baseline = baselineDir();
  const current = readResultsDir(results);
  if (current.length === 0) {
    console.error(`bench: no results in ${results}: run the benchmarks first (pnpm bench, or pnpm bench <package>)`);
    return 1;
  }
  const stored = readResultsDir(baseline);
  if (stored.length === 0) {
    console.error(`bench: no baseline in ${baseline}: make one with pnpm bench --save-baseline, and commit it`);
    return afterRun ? 0 : 1;
  }
  console.log(`\nbench: ${results} against the baseline in ${baseline}`);
  for (const file of current) {
    const base = stored.find((f) => f.benchmark === file.benchmark);
    const was = base
      ? `baseline ${base.commit.slice(0, 12)} ${base.date.slice(0, 10)}, load ${base.host.loadavg}`
      : 'no baseline';
    console.log(
      `  ${file.benchmark.padEnd(20)} ${file.commit.slice(0, 12)} ${file.date.slice(0, 10)}, load ${file.host.loadavg} (${was})`,
    );
  }
  console.log('');
  for (const line of formatReport(compareResults(stored, current), { all })) console.log(line);
  return 0;
}

function run(names: string[], all: boolean): number {
  const known = benchPackages();
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    console.error(`bench: no benchmark package ${unknown.join(', ')}\n${USAGE}`);
    return 1;
  }
  const filters = names.map((name) => `--filter=./bench/${name}`);
  const turbo = join(BENCH_ROOT, '..', 'node_modules', '.bin', 'turbo');
  const result = spawnSync(turbo, ['run', 'bench', '--concurrency=1', '--output-logs=full', ...filters], {
    cwd: join(BENCH_ROOT, '..'),
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
  const compared = compare(all, true);
  return result.status === 0 ? compared : (result.status ?? 1);
}

function main(argv: string[]): number {
  const flags = new Set(argv.filter((arg) => arg.startsWith('--')));
  const names = argv.filter((arg) => !arg.startsWith('--'));
  const allowed = new Set(['--compare', '--all', '--save-baseline', '--help']);
  const bad = [...flags].filter((flag) => !allowed.has(flag));
  if (bad.length > 0 || flags.has('--help')) {
    (bad.length > 0 ? console.error : console.log)(
      `${bad.length > 0 ? `bench: unknown ${bad.join(', ')}\n` : ''}${USAGE}`,
    );
    return bad.length > 0 ? 1 : 0;
  }
  if (flags.has('--save-baseline')) {
    const saved = saveBaseline(resultsDir(), baselineDir(), names);
    console.log(`bench: baseline of ${saved.join(', ')} saved in ${baselineDir()}; commit it`);
    return 0;
  }
  if (flags.has('--compare')) return compare(flags.has('--all'));
  return run(names, flags.has('--all'));
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`bench: ${(error as Error).message}`);
  process.exitCode = 1;
}
