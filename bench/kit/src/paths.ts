/**
 * Where results and the baseline live: `bench/results/` (each run's files, not committed) and
 * `bench/baseline/` (committed), or the directories `BENCH_RESULTS_DIR` and `BENCH_BASELINE_DIR` name.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';

/** The repository's `bench/` directory. */
export const BENCH_ROOT: string = fileURLToPath(new URL('../../', import.meta.url));

/** Where benchmarks write their results. */
export function resultsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BENCH_RESULTS_DIR || `${BENCH_ROOT}results`;
}

/** Where the committed baseline is. */
export function baselineDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BENCH_BASELINE_DIR || `${BENCH_ROOT}baseline`;
}
