import { describe, expect, it } from 'vitest';
import { compareMetric, compareResults, type Report, severityOf, summarize } from '../src/compare.ts';
import type { MetricKind, ResultsFile, Sample } from '../src/samples.ts';

const one = (value: number) => summarize([value]);

describe('thresholds: a metric against its baseline (issue 14: 0.95×, 1.10×, 1.15×, 1.5×)', () => {
  it.each<[MetricKind, number, number, string, string | undefined]>([
    // [kind, baseline, now, status, severity]
    ['throughput', 100, 100, 'unchanged', undefined],
    ['throughput', 100, 95, 'unchanged', undefined], // exactly 0.95×: not below it
    ['throughput', 100, 94.9, 'regression', 'minor'],
    ['throughput', 100, 80.5, 'regression', 'minor'], // 19.5 % worse
    ['throughput', 100, 80, 'regression', 'moderate'], // 20 % worse
    ['throughput', 100, 50, 'regression', 'moderate'], // 50 % worse
    ['throughput', 100, 49.9, 'regression', 'severe'],
    ['throughput', 100, 105, 'unchanged', undefined], // below 1/0.95
    ['throughput', 100, 106, 'improvement', undefined],
    ['latency', 100, 110, 'unchanged', undefined], // exactly 1.10×: not above it
    ['latency', 100, 110.1, 'regression', 'minor'],
    ['latency', 100, 120, 'regression', 'moderate'],
    ['latency', 100, 150, 'regression', 'moderate'],
    ['latency', 100, 151, 'regression', 'severe'],
    ['latency', 100, 91, 'unchanged', undefined], // above 1/1.10
    ['latency', 100, 90, 'improvement', undefined],
    ['latency', 100, 40, 'improvement', undefined],
    ['p99', 100, 115, 'unchanged', undefined],
    ['p99', 100, 112, 'unchanged', undefined], // a latency regression, not a p99 one
    ['p99', 100, 115.5, 'regression', 'minor'],
    ['p99', 100, 130, 'regression', 'moderate'],
    ['p99', 100, 200, 'regression', 'severe'],
    ['error_rate', 0.01, 0.015, 'unchanged', undefined],
    ['error_rate', 0.01, 0.0151, 'regression', 'severe'], // 1.51× is 51 % worse
    ['error_rate', 0.01, 0.001, 'improvement', undefined],
    ['error_rate', 0, 0, 'unchanged', undefined],
    ['error_rate', 0, 0.001, 'regression', 'severe'], // errors where there were none
    ['latency', 0, 5, 'regression', 'severe'],
    ['throughput', 0, 5, 'improvement', undefined],
    ['latency', -3, 5, 'incomparable', undefined],
  ])('%s %d → %d: %s %s', (kind, baseline, now, status, severity) => {
    const result = compareMetric(kind, one(baseline), one(now));
    expect(result.status).toBe(status);
    expect(result.severity).toBe(severity);
  });

  it('says how much worse, in percent, either way round', () => {
    expect(compareMetric('throughput', one(200), one(150)).worsePct).toBe(25);
    expect(compareMetric('latency', one(200), one(150)).worsePct).toBe(-25);
    expect(compareMetric('latency', one(40), one(60)).factor).toBe(1.5);
    expect(compareMetric('latency', one(0), one(1)).worsePct).toBe(Infinity);
  });
});

describe('severity', () => {
  it.each([
    [0, 'minor'],
    [19.99, 'minor'],
    [20, 'moderate'],
    [35, 'moderate'],
    [50, 'moderate'],
    [50.01, 'severe'],
    [Infinity, 'severe'],
  ])('%d %% worse is %s', (pct, severity) => {
    expect(severityOf(pct)).toBe(severity);
  });
});

describe('summaries of a metric’s rounds', () => {
  it('takes the median, so one disturbed round does not move the figure', () => {
    expect(summarize([10, 100, 11])).toEqual({ median: 11, min: 10, max: 100, n: 3 });
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4, n: 4 });
  });
});

function sample(metric: string, variant: string, value: number, kind: MetricKind = 'latency', unit = 'µs'): Sample {
  return { metric, value, unit, kind, dimensions: { benchmark: 'b', variant, runtime: 'node' }, commit: 'c' };
}

function file(benchmark: string, samples: Sample[], params: ResultsFile['params'] = {}): ResultsFile {
  return {
    schema: 1,
    benchmark,
    commit: 'c',
    date: '2026-12-01T00:00:00.000Z',
    params,
    host: { node: 'v24', platform: 'linux-x64', cpus: 2, loadavg: 1 },
    samples: samples.map((s) => ({ ...s, dimensions: { ...s.dimensions, benchmark } })),
  };
}

const row = (report: Report, metric: string, variant: string) =>
  report.rows.find((r) => r.metric === metric && r.variant === variant);

describe('results against the baseline', () => {
  const baseline = [
    file(
      'bullmq',
      [
        sample('cpu_per_job', 'untraced', 40),
        sample('cpu_per_job', 'untraced', 42),
        sample('cpu_per_job', 'untraced', 41),
        sample('cpu_per_job', 'wideline', 60),
        sample('throughput', 'wideline', 15_000, 'throughput', 'jobs/s'),
        sample('cpu_per_job', 'wideline / untraced', 1.5, 'latency', '×'),
        sample('dropped', 'wideline', 0, 'error_rate', 'spans'),
      ],
      { jobs: 20_000 },
    ),
    file('browser', [sample('bundle', 'wideline', 24_000, 'latency', 'B')]),
  ];

  it('compares medians, flags regressions with their severity, and leaves noise alone', () => {
    const report = compareResults(baseline, [
      file(
        'bullmq',
        [
          sample('cpu_per_job', 'untraced', 43),
          sample('cpu_per_job', 'untraced', 80), // one disturbed round
          sample('cpu_per_job', 'untraced', 44),
          sample('cpu_per_job', 'wideline', 95),
          sample('throughput', 'wideline', 14_500, 'throughput', 'jobs/s'),
          sample('cpu_per_job', 'wideline / untraced', 1.2, 'latency', '×'),
          sample('dropped', 'wideline', 0, 'error_rate', 'spans'),
        ],
        { jobs: 20_000 },
      ),
    ]);
    expect(row(report, 'cpu_per_job', 'untraced')).toMatchObject({
      status: 'unchanged',
      baseline: { median: 41, n: 3 },
      current: { median: 44, min: 43, max: 80, n: 3 },
    });
    expect(row(report, 'cpu_per_job', 'wideline')).toMatchObject({ status: 'regression', severity: 'severe' });
    expect(row(report, 'throughput', 'wideline')?.status).toBe('unchanged');
    expect(row(report, 'cpu_per_job', 'wideline / untraced')?.status).toBe('improvement');
    expect(row(report, 'dropped', 'wideline')?.status).toBe('unchanged');
    expect(report.notRun).toEqual(['browser']);
    expect(report.noBaseline).toEqual([]);
    expect(report.notes).toEqual([]);
  });

  it('lists a metric the results lack as missing, and one the baseline lacks as new', () => {
    const report = compareResults(baseline, [
      file('browser', [sample('bundle', 'wideline-react', 30_000, 'latency', 'B')]),
    ]);
    expect(row(report, 'bundle', 'wideline')).toMatchObject({ status: 'missing', baseline: { median: 24_000 } });
    expect(row(report, 'bundle', 'wideline')?.current).toBeUndefined();
    expect(row(report, 'bundle', 'wideline-react')).toMatchObject({ status: 'new', current: { median: 30_000 } });
    expect(row(report, 'bundle', 'wideline-react')?.baseline).toBeUndefined();
    expect(report.notRun).toEqual(['bullmq']);
  });

  it('tells a metric apart by variant and runtime, not only its name', () => {
    const base = file('worker', [
      {
        ...sample('cpu', 'wideline', 100),
        dimensions: { benchmark: 'worker', variant: 'wideline', runtime: 'workerd' },
      },
    ]);
    const now = file('worker', [
      { ...sample('cpu', 'wideline', 300), dimensions: { benchmark: 'worker', variant: 'wideline', runtime: 'node' } },
    ]);
    const report = compareResults([base], [now]);
    expect(report.rows.map((r) => [r.runtime, r.status])).toEqual([
      ['workerd', 'missing'],
      ['node', 'new'],
    ]);
  });

  it('does not compare a metric whose unit or kind changed', () => {
    const report = compareResults(
      [file('core', [sample('cpu_per_span', 'wideline', 9)])],
      [file('core', [sample('cpu_per_span', 'wideline', 9000, 'latency', 'ns')])],
    );
    expect(row(report, 'cpu_per_span', 'wideline')).toMatchObject({
      status: 'incomparable',
      note: 'was latency in µs, now latency in ns',
    });
  });

  it('names a benchmark without a baseline, and settings that differ from the baseline’s', () => {
    const report = compareResults(baseline, [
      file('bullmq', [sample('cpu_per_job', 'untraced', 41)], { jobs: 5000, only: 'untraced' }),
      file('query-trace', [sample('total', 'wideline', 300, 'latency', 'ms')]),
    ]);
    expect(report.noBaseline).toEqual(['query-trace']);
    expect(report.notes).toEqual([
      'bullmq: run with other settings than the baseline — jobs 5000 (baseline 20000), only untraced (baseline —)',
    ]);
    expect(report.rows.filter((r) => r.status === 'missing').map((r) => r.variant)).toEqual([
      'wideline',
      'wideline',
      'wideline / untraced',
      'wideline',
    ]);
  });
});
