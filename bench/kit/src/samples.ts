/**
 * The sample format every benchmark writes, and the writer they share. A run of one benchmark
 * script writes one file, `bench/results/<benchmark>.json`, replacing that benchmark's previous
 * results; `pnpm bench --compare` reads these files and the committed baseline (`bench/baseline/`).
 *
 * A sample is one measured value with its metric name, unit, kind (which says which way is worse and
 * which threshold applies) and dimensions (benchmark, variant, runtime), and the commit it was
 * measured on. A benchmark that runs rounds writes one sample per round: the comparison takes the
 * median of each side and shows the range. A ratio to an anchor measured in the same run (Wideline's
 * CPU per job over untraced BullMQ's, say) is a sample with unit `×` and a variant naming both
 * (`wideline / untraced`): it carries the machine's load in both terms, so it is the figure that
 * compares across runs and machines; absolute figures compare only on the same machine.
 *
 * @example
 * import { BenchResults } from '@wideline/bench-kit';
 *
 * const results = new BenchResults('bullmq', { params: { jobs: 20_000 } });
 * results.add({ metric: 'throughput', variant: 'untraced', value: 21_839, unit: 'jobs/s', kind: 'throughput' });
 * results.add({ metric: 'cpu_per_job', variant: 'wideline / untraced', value: 1.62, unit: '×', kind: 'latency' });
 * results.write(); // bench/results/bullmq.json
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { resultsDir } from './paths.ts';

/**
 * Which way a metric gets worse, and the threshold that flags it:
 * - `throughput`: higher is better; a regression below 0.95× the baseline;
 * - `latency`: lower is better, for any cost (time, CPU time, bytes); a regression above 1.10×;
 * - `p99`: a tail latency, lower is better; a regression above 1.15×;
 * - `error_rate`: lower is better (dropped spans, failed requests); a regression above 1.5×.
 */
export type MetricKind = 'throughput' | 'latency' | 'p99' | 'error_rate';

export const METRIC_KINDS: readonly MetricKind[] = ['throughput', 'latency', 'p99', 'error_rate'];

/** The dimensions of a sample. */
export interface SampleDimensions {
  /** The benchmark (the results file's name), e.g. `bullmq`, `core-pipeline`. */
  benchmark: string;
  /** What ran: `untraced`, `wideline`, `bullmq-otel`, or a ratio such as `wideline / untraced`. */
  variant: string;
  /** Where it ran: `node`, `workerd`, `browser` (a bundle's target). */
  runtime: string;
}

/** One measured value. */
export interface Sample {
  metric: string;
  value: number;
  unit: string;
  kind: MetricKind;
  dimensions: SampleDimensions;
  /** The commit measured (`git rev-parse HEAD`), with `+dirty` when tracked files had changes. */
  commit: string;
}

/** Scalar settings of a run (job counts, rounds): results made with other settings do not compare. */
export type RunParams = Record<string, string | number | boolean>;

/** A results file: `bench/results/<benchmark>.json`, or its copy in `bench/baseline/`. */
export interface ResultsFile {
  schema: 1;
  benchmark: string;
  commit: string;
  /** ISO 8601, when the file was written. */
  date: string;
  params: RunParams;
  /** The machine, for reading absolute figures: Node version, cores, 1-minute load average when written. */
  host: { node: string; platform: string; cpus: number; loadavg: number };
  samples: Sample[];
}

/** What {@link BenchResults.add} takes: a sample without the dimensions the writer already knows. */
export interface SampleInput {
  metric: string;
  value: number;
  unit: string;
  kind: MetricKind;
  variant: string;
  /** Default: the writer's runtime. */
  runtime?: string;
}

/** Options for {@link BenchResults}. */
export interface BenchResultsOptions {
  /** The run's settings, written beside the samples. Default `{}`. */
  params?: RunParams;
  /** The runtime dimension of samples that name none. Default `node`. */
  runtime?: string;
  /** Where the file goes. Default: `BENCH_RESULTS_DIR`, else `bench/results/` of this repository. */
  dir?: string;
  /** The commit to record. Default: read from git (`unknown` outside a git checkout). */
  commit?: string;
}

const NAME_RE = /^[a-z0-9][a-z0-9._-]*$/;

/** The checked-out commit, `+dirty` when tracked files changed; `unknown` outside a git checkout. */
export function currentCommit(cwd: string = process.cwd()): string {
  try {
    const git = (args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();
    const head = git(['rev-parse', 'HEAD']);
    // Untracked files (results, logs) do not make a tree dirty; edits to tracked ones do.
    return git(['status', '--porcelain', '--untracked-files=no']) === '' ? head : `${head}+dirty`;
  } catch {
    return 'unknown';
  }
}

/**
 * Collects one benchmark run's samples and writes them as `bench/results/<benchmark>.json`.
 * Mistakes in the benchmark (a NaN, an unknown kind, a bad name) throw at once: a results file
 * must never carry a value that cannot be compared.
 */
export class BenchResults {
  readonly benchmark: string;
  readonly #params: RunParams;
  readonly #runtime: string;
  readonly #dir: string;
  readonly #commit: string;
  readonly #samples: Sample[] = [];
  /** Unit and kind of each metric so far: every round of a metric must be measured the same way. */
  readonly #shapes = new Map<string, string>();

  constructor(benchmark: string, options: BenchResultsOptions = {}) {
    if (!NAME_RE.test(benchmark))
      throw new Error(`bench results: '${benchmark}' is not a benchmark name (lower case, digits, '.', '_', '-')`);
    this.benchmark = benchmark;
    this.#params = { ...options.params };
    this.#runtime = options.runtime ?? 'node';
    this.#dir = options.dir ?? resultsDir();
    this.#commit = options.commit ?? currentCommit();
  }

  /** Adds one sample; returns its value, so a benchmark can record and print in one step. */
  add(input: SampleInput): number {
    const { metric, value, unit, kind, variant, runtime = this.#runtime } = input;
    const where = `${this.benchmark} ${metric} (${variant})`;
    if (!Number.isFinite(value)) throw new Error(`bench results: ${where} is ${value}, not a finite number`);
    if (!METRIC_KINDS.includes(kind))
      throw new Error(`bench results: ${where} has kind '${kind}'; use one of ${METRIC_KINDS.join(', ')}`);
    if (!metric || !unit || !variant || !runtime)
      throw new Error(`bench results: ${where} needs a metric, a unit, a variant and a runtime`);
    const key = `${metric}\u0000${variant}\u0000${runtime}`;
    const shape = `${kind} in ${unit}`;
    const known = this.#shapes.get(key);
    if (known !== undefined && known !== shape)
      throw new Error(`bench results: ${where} was ${known}, now ${shape}; one metric has one unit and kind`);
    this.#shapes.set(key, shape);
    this.#samples.push({
      metric,
      value,
      unit,
      kind,
      dimensions: { benchmark: this.benchmark, variant, runtime },
      commit: this.#commit,
    });
    return value;
  }

  /** The samples so far. */
  get samples(): readonly Sample[] {
    return this.#samples;
  }

  /** Writes the file (replacing this benchmark's previous results); returns its path. */
  write(): string {
    const file: ResultsFile = {
      schema: 1,
      benchmark: this.benchmark,
      commit: this.#commit,
      date: new Date().toISOString(),
      params: this.#params,
      host: {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: availableParallelism(),
        loadavg: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      },
      samples: this.#samples,
    };
    mkdirSync(this.#dir, { recursive: true });
    const path = join(this.#dir, `${this.benchmark}.json`);
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
    console.log(`\nresults: ${this.#samples.length} samples in ${path} (compare: pnpm bench --compare)`);
    return path;
  }
}
