/**
 * Reading results files (a run's, or the baseline's) and promoting results to the baseline.
 *
 * @module
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_KINDS, type ResultsFile } from './samples.ts';

function fail(path: string, why: string): never {
  throw new Error(`${path}: ${why} — rerun the benchmark that wrote it (pnpm bench <name>) or delete the file`);
}

/** Reads and checks one results file. */
export function readResultsFile(path: string): ResultsFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    fail(path, `not JSON (${(error as Error).message})`);
  }
  const file = parsed as Partial<ResultsFile>;
  if (file.schema !== 1) fail(path, `schema ${String(file.schema)}, expected 1`);
  if (typeof file.benchmark !== 'string' || !Array.isArray(file.samples)) fail(path, 'no benchmark name or samples');
  for (const sample of file.samples) {
    const ok =
      typeof sample?.metric === 'string' &&
      Number.isFinite(sample.value) &&
      typeof sample.unit === 'string' &&
      METRIC_KINDS.includes(sample.kind) &&
      typeof sample.dimensions?.variant === 'string' &&
      typeof sample.dimensions?.runtime === 'string';
    if (!ok) fail(path, `a malformed sample: ${JSON.stringify(sample)}`);
  }
  return { ...file, params: file.params ?? {} } as ResultsFile;
}

/** Every `*.json` results file in `dir`, by benchmark name; none when the directory does not exist. */
export function readResultsDir(dir: string): ResultsFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const file = readResultsFile(path);
      if (`${file.benchmark}.json` !== name) fail(path, `holds benchmark '${file.benchmark}'`);
      return file;
    });
}

/**
 * Copies results into the baseline: the named benchmarks, or every one with results. Returns the
 * benchmarks copied; throws naming a benchmark that has no results.
 */
export function saveBaseline(resultsDir: string, baselineDir: string, names?: readonly string[]): string[] {
  const available = readResultsDir(resultsDir).map((file) => file.benchmark);
  const chosen = names && names.length > 0 ? [...names] : available;
  for (const name of chosen)
    if (!available.includes(name))
      throw new Error(`no results for '${name}' in ${resultsDir}: run it first (pnpm bench ${name.split('-')[0]})`);
  mkdirSync(baselineDir, { recursive: true });
  for (const name of chosen) copyFileSync(join(resultsDir, `${name}.json`), join(baselineDir, `${name}.json`));
  return chosen;
}
