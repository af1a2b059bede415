import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQuery } from '../src/analysis/run-query.ts';
import { ChdbEngine } from '../src/engine/chdb-engine.ts';
import { QueryEngineError } from '../src/engine/engine.ts';
import { type Span, weightedPercentile } from '../src/index.ts';
import { querySpec } from '../src/model/query.ts';
import { compileQuery } from '../src/sql/compile.ts';
import { fixtureSpans, otlpFile, T0_US } from './engine-fixture.ts';

// chDB allows one engine per process at a time: each block opens its own and closes it.
let engine: ChdbEngine;

const ids = async (where: string) => {
  const spec = querySpec({ where, agg: 'events', by: 'span_id' });
  const result = await runQuery(engine, spec, undefined);
  return result.rows.map((r) => String(r[0]).replace(/^0+/, '')).sort();
};

describe('the embedded engine (chDB) on known events', () => {
  beforeAll(async () => {
    engine = await ChdbEngine.create();
    await engine.loadSpans(fixtureSpans());
    await engine.finishLoad();
  });
  afterAll(() => engine.close());

  it('builds events (local roots) and spans, with one typed column per attribute', async () => {
    const events = await engine.run('SELECT span_id FROM events ORDER BY span_id');
    expect(events.rows.map((r) => String(r[0]).replace(/^0+/, ''))).toEqual([
      'c2',
      'e1',
      'e2',
      'e3',
      'e4',
      'e5',
      'e6',
      'e7',
      'e8',
    ]);
    expect((await engine.run('SELECT count() FROM spans')).rows).toEqual([[10]]);
    const types = Object.fromEntries(engine.catalog.attributes.map((f) => [f.name, f.type]));
    expect(types).toMatchObject({
      colo: 'string',
      hashMismatchCount: 'number',
      'cache.hit': 'bool',
      'payload.kb': 'number',
      'deployment.environment': 'string',
    });
    const e1 = await engine.run(
      "SELECT service, kind, status, duration_ms, sample_rate, colo, `deployment.environment` FROM events WHERE span_id = '00000000000000e1'",
    );
    expect(e1.rows).toEqual([['api', 'server', 'UNSET', 10, 10, 'ewr', 'test']]);
  });

  it.each([
    ["colo = 'ewr'", ['e1', 'e2', 'e5']],
    ['colo != ewr', ['c2', 'e3', 'e4', 'e6', 'e7', 'e8']],
    ['hashMismatchCount > 0', ['e2', 'e4', 'e5']],
    ['hashMismatchCount > 0 and colo = ewr', ['e2', 'e5']],
    ['not (hashMismatchCount > 0)', ['c2', 'e1', 'e3', 'e6', 'e7', 'e8']],
    ['exists user.tier', ['e1', 'e2', 'e3', 'e5', 'e6', 'e7', 'e8']],
    ['not exists hashMismatchCount', ['c2', 'e6']],
    ['status = error or duration > 400ms', ['e3', 'e6', 'e7']],
    ["colo in (sin, fra) and user.tier != 'free'", ['e6']],
    ['service ~ "^(ws|jobs)$"', ['e5', 'e6', 'e7', 'e8']],
    ['name contains 7', ['e7']],
    ['cache.hit = false', ['e5']],
    ['payload.kb >= 1.5', ['e7', 'e8']],
    ['db.system = postgresql', ['c2']],
    ['sample_rate > 1', ['e1', 'e2', 'e8']],
  ])('--where %s', async (where, expected) => {
    expect(await ids(where)).toEqual(expected);
  });

  it('weights counts, error rates and percentiles by sample rate, and says which are not', async () => {
    const spec = querySpec({
      where: 'service = api',
      agg: 'count, events, errors, error_rate, p50, p99, min, max, distinct(colo), avg',
    });
    const [row] = (await runQuery(engine, spec, undefined)).rows;
    // api: 10 ms ×10, 20 ms ×10, 30 ms ×1 (error), 300 ms ×1.
    expect(row).toEqual([22, 4, 1, 1 / 22, 20, 300, 10, 300, 2, (100 + 200 + 30 + 300) / 22]);
    const unweighted = querySpec({ where: 'service = api', agg: 'count, error_rate, p50', weighted: false });
    expect((await runQuery(engine, unweighted, undefined)).rows[0]).toEqual([4, 0.25, 20]);
  });

  it('keeps the top k groups and folds the rest into (other), with exact percentiles for (other)', async () => {
    const spec = querySpec({ by: 'colo', agg: 'count, p99', top: 2 });
    const result = await runQuery(engine, spec, undefined);
    // Weighted counts: ewr 10+10+1 = 21, fra 100, lhr 2, sin 2, c2's (none) 1. ewr's p99: 99 % of 21
    // is 20.79, reached only by the 40 ms event.
    expect(result.rows).toEqual([
      ['fra', 100, 5],
      ['ewr', 21, 40],
      ['(other)', 5, 600],
    ]);
    expect(result.sql).toHaveLength(2);
  });

  it('groups by duration bucket (1-2-5, lower bound in ms)', async () => {
    const spec = querySpec({ by: 'duration_bucket', agg: 'events', order: 'duration_bucket:asc' });
    // 1, 2, 5, 10, 20, 30, 40, 300, 500, 600 ms (c1, c2, e8, e1, e2, e3, e5, e4, e6, e7).
    expect((await runQuery(engine, spec, undefined)).rows).toEqual([
      ['2', 1],
      ['5', 1],
      ['10', 1],
      ['20', 3],
      ['200', 1],
      ['500', 2],
    ]);
    expect(await ids('duration_bucket >= 200')).toEqual(['e4', 'e6', 'e7']);
  });

  it('buckets by time with --every, and orders and limits', async () => {
    const spec = querySpec({ where: 'service = api', by: 'colo', agg: 'events', every: '1m' });
    const rows = (await runQuery(engine, spec, undefined)).rows;
    const minute = (s: number) =>
      new Date((T0_US + s * 1e6) / 1000 - ((T0_US / 1000 + s * 1000) % 60000)).toISOString();
    expect(rows).toEqual([
      [minute(0), 'ewr', 2],
      [minute(70), 'lhr', 2],
    ]);
    const ordered = querySpec({ by: 'service', agg: 'events, p50', order: 'p50:asc', limit: 2 });
    expect((await runQuery(engine, ordered, undefined)).rows.map((r) => r[0])).toEqual(['db', 'jobs']);
  });

  it('refuses anything but one SELECT in wideline sql, by its own parser as well', async () => {
    await expect(
      engine.userSql('WITH x AS (SELECT 1) INSERT INTO spans SELECT * FROM spans', undefined),
    ).rejects.toThrow(/only a plain SELECT is allowed/);
    const ok = await engine.userSql(
      'SELECT "colo", count(*) AS n FROM events WHERE "hashMismatchCount" > 0 GROUP BY 1 ORDER BY 1',
      undefined,
    );
    expect(ok.rows).toEqual([
      ['ewr', 2],
      ['lhr', 1],
    ]);
    const narrowed = await engine.userSql('SELECT count() FROM events', { fromUs: T0_US + 60e6, toUs: T0_US + 120e6 });
    expect(narrowed.rows).toEqual([[2]]);
    await expect(engine.userSql('SELECT colo2 FROM events', undefined)).rejects.toThrow(QueryEngineError);
    await expect(engine.userSql('SELECT colo2 FROM events', undefined)).rejects.toThrow(
      /Unknown expression identifier `colo2`/,
    );
  });

  it('compiles unknown fields and ill-typed values to errors, never to an empty result', async () => {
    const relation = await engine.relation('events', undefined);
    expect(() => compileQuery(querySpec({ by: 'colo2' }), relation)).toThrow(
      /--by: unknown field "colo2"; did you mean "colo"\?/,
    );
    expect(() => compileQuery(querySpec({ agg: 'p99(colo)' }), relation)).toThrow(
      /p99\(colo\) needs a number field; colo is a string/,
    );
  });
});

describe('percentiles', () => {
  it('agrees with the in-memory weighted nearest-rank percentile on random data', async () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const spans: Span[] = Array.from({ length: 3000 }, (_, i) => {
      const start = T0_US + i * 1000;
      return {
        ...fixtureSpans()[0]!,
        traceId: i.toString(16).padStart(32, '0'),
        spanId: i.toString(16).padStart(16, '0'),
        service: `s${i % 3}`,
        resource: { 'service.name': `s${i % 3}` },
        startUs: start,
        endUs: start + Math.round(rand() * 1e6),
        attributes: { 'wideline.sample_rate': 1 + Math.floor(rand() * 20) },
      };
    });
    const random = await ChdbEngine.create();
    try {
      await random.loadSpans(spans);
      await random.finishLoad();
      const ps = [1, 25, 50, 90, 95, 99, 99.9, 100];
      const spec = querySpec({ by: 'service', agg: ps.map((p) => `p${p}`).join(', '), order: 'service:asc' });
      const rows = (await runQuery(random, spec, undefined)).rows;
      for (const row of rows) {
        const data = spans
          .filter((s) => s.service === row[0])
          .map((s) => ({ value: (s.endUs - s.startUs) / 1000, weight: Number(s.attributes['wideline.sample_rate']) }));
        expect(row.slice(1)).toEqual(ps.map((p) => weightedPercentile(data, p)));
      }
    } finally {
      await random.close();
    }
  });
});

describe('loading OTLP/JSON files', () => {
  it('reads the file exporter format natively into the same tables as spans from memory', async () => {
    const columns =
      'trace_id, span_id, parent_span_id, service, name, kind, status, start_time, duration_ms, sample_rate, is_event, colo, hashMismatchCount, `cache.hit`, `payload.kb`';
    const read = async (load: (e: ChdbEngine) => Promise<void>) => {
      const e = await ChdbEngine.create();
      try {
        await load(e);
        return {
          summary: await e.finishLoad(),
          rows: (await e.run(`SELECT ${columns} FROM spans ORDER BY span_id`)).rows,
        };
      } finally {
        await e.close();
      }
    };
    const fromFile = await read((e) => e.loadOtlpFile(otlpFile(fixtureSpans())));
    const fromMemory = await read((e) => e.loadSpans(fixtureSpans()));
    expect(fromFile.summary).toMatchObject({ spans: 10, events: 9, traces: 8, fromUs: T0_US });
    expect(fromFile.rows).toEqual(fromMemory.rows);
  });

  it('reads one pretty-printed document, an array of documents, and a Jaeger answer as it reads JSON lines', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const lines = readFileSync(otlpFile(fixtureSpans()), 'utf8').trim().split('\n');
    const docs = lines.map((l) => JSON.parse(l) as { resourceSpans: unknown[] });
    const merged = { resourceSpans: docs.flatMap((d) => d.resourceSpans) };
    const rowsOf = async (load: (e: ChdbEngine) => Promise<unknown>) => {
      const e = await ChdbEngine.create();
      try {
        await load(e);
        await e.finishLoad();
        return (await e.run('SELECT * FROM spans ORDER BY span_id')).rows;
      } finally {
        await e.close();
      }
    };
    const file = (text: string) => {
      const path = otlpFile([]);
      writeFileSync(path, text);
      return path;
    };
    const expected = await rowsOf((e) => e.loadOtlpFile(file(`${lines.join('\n\n')}\n`)));
    expect(expected).toHaveLength(10);
    expect(await rowsOf((e) => e.loadOtlpFile(file(JSON.stringify(merged, null, 2))))).toEqual(expected);
    expect(await rowsOf((e) => e.loadOtlpFile(file(JSON.stringify(docs, null, 1))))).toEqual(expected);
    expect(await rowsOf((e) => e.loadOtlpBody(JSON.stringify({ result: merged })))).toEqual(expected);
  }, 30_000);

  it('takes a remote parent (OTLP span flags) as the start of a wide event, even in the same service', async () => {
    const all = fixtureSpans();
    const root = all.find((s) => s.spanId.endsWith('e1'));
    const child = all.find((s) => s.spanId.endsWith('c1'));
    const sameService = { ...child!, service: root!.service, resource: root!.resource };
    const f = await ChdbEngine.create();
    try {
      // 0x300: the exporter knows whether the parent is remote, and it is; 0x100: it knows, and it is not.
      await f.loadOtlpFile(
        otlpFile([
          { ...root!, flags: 0x100 },
          { ...sameService, flags: 0x300 },
          { ...sameService, spanId: 'ffffffffffffff01', flags: 0x100 },
        ]),
      );
      await f.finishLoad();
      const events = await f.run('SELECT span_id FROM events ORDER BY span_id');
      expect(events.rows.map((r) => r[0])).toEqual([child!.spanId, root!.spanId]);
    } finally {
      await f.close();
    }
  });

  it('names the file and the problem when a file is not OTLP/JSON', async () => {
    const { loadOtlpFiles } = await import('../src/sources/otlp-files.ts');
    const f = await ChdbEngine.create();
    try {
      const bad = otlpFile([]);
      const { readFileSync, writeFileSync } = await import('node:fs');
      writeFileSync(bad, '{"resourceSpans": [ {"resource": 12 ');
      await expect(loadOtlpFiles(f, [bad])).rejects.toThrow(
        new RegExp(`--file "${bad}" is not OTLP/JSON the engine can read`),
      );
      const lines = otlpFile(fixtureSpans());
      const good = readFileSync(lines, 'utf8').trim().split('\n');
      writeFileSync(lines, [good[0], '{"resourceSpans": [ {"resource": 12 ', good[1]].join('\n'));
      await expect(loadOtlpFiles(f, [lines])).rejects.toThrow(/^--file .* line 2: .*JSON at position 36/);
      writeFileSync(lines, `${good[0]}\n{"spans": []}\n`);
      await expect(loadOtlpFiles(f, [lines])).rejects.toThrow(/line 2: a JSON document without "resourceSpans"/);
      await expect(loadOtlpFiles(f, ['/nonexistent/x.jsonl'])).rejects.toThrow(
        '--file "/nonexistent/x.jsonl": no such file or directory',
      );
    } finally {
      await f.close();
    }
  });
});
