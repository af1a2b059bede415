/** Known wide events for the engine tests, as Span objects and as an OTLP/JSON file. */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span } from '../src/index.ts';

export const T0_US = 1_790_000_000_000_000;

interface Row {
  id: string;
  service: string;
  ms: number;
  rate?: number;
  error?: boolean;
  attrs?: Record<string, string | number | boolean>;
  parent?: string;
  atS?: number;
  flags?: number;
}

/** Eight wide events, a child in the same service (not an event) and one in another service (an event). */
export const ROWS: Row[] = [
  {
    id: 'e1',
    service: 'api',
    ms: 10,
    rate: 10,
    attrs: { colo: 'ewr', 'user.tier': 'free', hashMismatchCount: 0 },
    atS: 0,
  },
  {
    id: 'e2',
    service: 'api',
    ms: 20,
    rate: 10,
    attrs: { colo: 'ewr', 'user.tier': 'pro', hashMismatchCount: 2 },
    atS: 10,
  },
  {
    id: 'e3',
    service: 'api',
    ms: 30,
    rate: 1,
    error: true,
    attrs: { colo: 'lhr', 'user.tier': 'free', hashMismatchCount: 0 },
    atS: 70,
  },
  {
    id: 'e4',
    service: 'api',
    ms: 300,
    rate: 1,
    attrs: { colo: 'lhr', hashMismatchCount: 1, 'cache.hit': true },
    atS: 80,
  },
  {
    id: 'e5',
    service: 'ws',
    ms: 40,
    attrs: { colo: 'ewr', 'user.tier': 'pro', hashMismatchCount: 3, 'cache.hit': false },
    atS: 130,
  },
  { id: 'e6', service: 'ws', ms: 500, error: true, attrs: { colo: 'sin', 'user.tier': 'pro' }, atS: 140 },
  {
    id: 'e7',
    service: 'ws',
    ms: 600,
    attrs: { colo: 'sin', 'user.tier': 'free', hashMismatchCount: 0, 'payload.kb': 1.5 },
    atS: 150,
  },
  {
    id: 'e8',
    service: 'jobs',
    ms: 5,
    rate: 100,
    attrs: { colo: 'fra', 'user.tier': 'free', hashMismatchCount: 0, 'payload.kb': 2 },
    atS: 190,
  },
  { id: 'c1', service: 'api', ms: 1, parent: 'e1', attrs: { 'db.system': 'redis' }, atS: 0 },
  { id: 'c2', service: 'db', ms: 2, parent: 'e1', attrs: { 'db.system': 'postgresql' }, atS: 0 },
];

const spanId = (id: string) => id.padStart(16, '0');
const traceOf = (row: Row) => (row.parent ?? row.id).padStart(32, 'a');

/** The rows as {@link Span}s. */
export function fixtureSpans(): Span[] {
  return ROWS.map((r) => {
    const start = T0_US + (r.atS ?? 0) * 1e6;
    return {
      traceId: traceOf(r),
      spanId: spanId(r.id),
      parentSpanId: r.parent ? spanId(r.parent) : undefined,
      name: `op ${r.id}`,
      kind: 'server',
      service: r.service,
      startUs: start,
      endUs: start + r.ms * 1000,
      attributes: { ...(r.attrs ?? {}), ...(r.rate ? { 'wideline.sample_rate': r.rate } : {}) },
      resource: { 'service.name': r.service, 'deployment.environment': 'test' },
      status: { code: r.error ? 'ERROR' : 'UNSET', message: r.error ? 'boom' : undefined },
      events: [],
      links: [],
    };
  });
}

type V = string | number | boolean;
const value = (v: V) =>
  typeof v === 'string'
    ? { stringValue: v }
    : typeof v === 'boolean'
      ? { boolValue: v }
      : Number.isInteger(v)
        ? { intValue: String(v) }
        : { doubleValue: v };

/** OTLP/JSON lines (as the Collector's file exporter writes them) for spans, one line per service. */
export function otlpLines(spans: readonly (Span & { flags?: number })[]): string {
  const byService = new Map<string, (Span & { flags?: number })[]>();
  for (const s of spans) byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
  return [...byService]
    .map(([service, list]) =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: {
              attributes: [
                { key: 'service.name', value: value(service) },
                { key: 'deployment.environment', value: value('test') },
              ],
            },
            scopeSpans: [
              {
                scope: { name: 'fixture' },
                spans: list.map((s) => ({
                  traceId: s.traceId,
                  spanId: s.spanId,
                  ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
                  ...(s.flags ? { flags: s.flags } : {}),
                  name: s.name,
                  kind: 2,
                  startTimeUnixNano: `${s.startUs}000`,
                  endTimeUnixNano: `${s.endUs}000`,
                  attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: value(v as V) })),
                  status: s.status.code === 'ERROR' ? { code: 2, message: s.status.message } : {},
                })),
              },
            ],
          },
        ],
      }),
    )
    .join('\n');
}

/** Writes OTLP/JSON lines to a temporary file and returns its path. */
export function otlpFile(spans: readonly (Span & { flags?: number })[], name = 'fixture'): string {
  const path = join(tmpdir(), `wideline-${name}-${process.pid}-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(path, `${otlpLines(spans)}\n`);
  return path;
}
