/**
 * Internal: what the benchmarks in `bench/` share — the sample writer every benchmark records its
 * figures with, and the comparison of those results against the committed baseline.
 *
 * @example
 * import { BenchResults } from '@wideline/bench-kit';
 *
 * const results = new BenchResults('core-pipeline', { params: { traces: 20_000 } });
 * results.add({ metric: 'cpu_per_span', variant: 'wideline', value: 9.8, unit: 'µs', kind: 'latency' });
 * results.write();
 * @module
 */

export { callgrindWindow, countInstructions } from './callgrind.ts';
export { type FunctionCost, nameJsFunctions, perfMapLookup, profileFunctions } from './callgrind-js.ts';
export {
  type Comparison,
  compareMetric,
  compareResults,
  type Report,
  type Severity,
  type Status,
  type Summary,
  severityOf,
  summarize,
  THRESHOLDS,
} from './compare.ts';
export { readResultsDir, readResultsFile, saveBaseline } from './files.ts';
export { formatReport, formatValue } from './format.ts';
export { BENCH_ROOT, baselineDir, resultsDir } from './paths.ts';
export { type PerfLayer, type PerfLayers, perfLayers } from './perf-layers.ts';
export { type PerfWindow, perfAvailable, perfNodeFlags, startPerf } from './perf-record.ts';
export { type CpuProfile, groupLayers, type ProfileLayers, packageOf, profileLayers } from './profile-layers.ts';
export {
  BenchResults,
  type BenchResultsOptions,
  currentCommit,
  METRIC_KINDS,
  type MetricKind,
  type ResultsFile,
  type RunParams,
  type Sample,
  type SampleDimensions,
  type SampleInput,
} from './samples.ts';
