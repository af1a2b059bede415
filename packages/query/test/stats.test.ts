import { describe, expect, it } from 'vitest';
import { parseWhere } from '../src/format.ts';
import { computeStats, weightedPercentile } from '../src/index.ts';
import { sampleWeight, wideEvents } from '../src/stats.ts';
import { failed, span } from './helpers.ts';

describe('weightedPercentile', () => {
  it('is the nearest-rank percentile when every weight is 1', () => {
    const data = [5, 1, 4, 2, 3].map((value) => ({ value, weight: 1 }));
    expect(weightedPercentile(data, 50)).toBe(3);
    expect(weightedPercentile(data, 20)).toBe(1);
    expect(weightedPercentile(data, 95)).toBe(5);
    expect(weightedPercentile(data, 100)).toBe(5);
  });

  it('lets a heavily weighted observation stand for many', () => {
    // 10 ms kept at 1-in-9 sampling stands for 9 requests; the 500 ms one was kept in full.
    const data = [
      { value: 10, weight: 9 },
      { value: 500, weight: 1 },
    ];
    expect(weightedPercentile(data, 50)).toBe(10);
    expect(weightedPercentile(data, 90)).toBe(10);
    expect(weightedPercentile(data, 91)).toBe(500);
    // Unweighted, the median would be the slow request.
    expect(
      weightedPercentile(
        data.map((d) => ({ ...d, weight: 1 })),
        50,
      ),
    ).toBe(10);
    expect(
      weightedPercentile(
        data.map((d) => ({ ...d, weight: 1 })),
        51,
      ),
    ).toBe(500);
  });

  it('copes with fractional weights and no data', () => {
    expect(
      weightedPercentile(
        [0.1, 0.2, 0.7].map((weight, i) => ({ value: i, weight })),
        30,
      ),
    ).toBe(1);
    expect(weightedPercentile([], 50)).toBeNaN();
  });
});

describe('wide events and stats', () => {
  it('takes local roots of the service: parentless spans and spans whose parent is another service', () => {
    const spans = [
      span('edge', undefined, 0, 100, { service: 'edge' }),
      span('api', 'edge', 10, 90, { service: 'api' }),
      span('api-db', 'api', 20, 30, { service: 'api' }),
      span('job', 'gone', 200, 300, { service: 'api' }),
    ];
    expect(wideEvents(spans, 'api').map((s) => s.spanId)).toEqual(['api', 'job']);
  });

  it('weights by wideline.sample_rate, defaulting bad or missing rates to 1', () => {
    expect(sampleWeight(span('a', undefined, 0, 1, { attributes: { 'wideline.sample_rate': 4 } }))).toBe(4);
    expect(sampleWeight(span('a', undefined, 0, 1, { attributes: { 'wideline.sample_rate': 'x' } }))).toBe(1);
    expect(sampleWeight(span('a', undefined, 0, 1, { attributes: { 'wideline.sample_rate': -2 } }))).toBe(1);
    expect(sampleWeight(span('a', undefined, 0, 1))).toBe(1);
  });

  it('groups by an attribute with weighted counts, errors and percentiles, after --where filters', () => {
    const event = (id: string, ms: number, route: string, rate: number, extra = {}) => [
      span(id, undefined, 0, ms, {
        service: 'api',
        attributes: { 'http.route': route, 'wideline.sample_rate': rate, region: 'eu' },
        ...extra,
      }),
    ];
    const traces = [
      event('1', 10, '/orders', 10),
      event('2', 20, '/orders', 10),
      event('3', 300, '/orders', 1, failed('boom')),
      event('4', 5, '/health', 1),
      [span('5', undefined, 0, 7, { service: 'api', attributes: { region: 'us' } })],
    ];
    const groups = computeStats(traces, {
      service: 'api',
      by: 'http.route',
      percentiles: [50, 99],
      where: [parseWhere('region=eu')],
    });
    expect(groups).toEqual([
      { key: '/orders', count: 3, weightedCount: 21, weightedErrors: 1, percentiles: { p50: 20_000, p99: 300_000 } },
      { key: '/health', count: 1, weightedCount: 1, weightedErrors: 0, percentiles: { p50: 5000, p99: 5000 } },
    ]);
    const byName = computeStats(traces, { service: 'api', by: 'missing.attr', percentiles: [50], where: [] });
    expect(byName.map((g) => [g.key, g.count])).toEqual([['(none)', 5]]);
  });
});
