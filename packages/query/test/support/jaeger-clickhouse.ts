/**
 * Jaeger's ClickHouse storage, reproduced on the ClickHouse engine in process: Jaeger's own table DDL
 * (read from the Jaeger module the stack builds), spans converted to its column layout the way its
 * writer does (`internal/storage/v2/clickhouse/tracestore/dbmodel/to.go`), and transports that run
 * SQL on chDB directly or behind ClickHouse's HTTP interface.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { ClickHouseTransport } from '../../src/engine/clickhouse-engine.ts';
import type { Attributes, Span } from '../../src/index.ts';

const JAEGER_MODULE = 'github.com/jaegertracing/jaeger@v1.76.0';
const DDL = [
  'create_spans_table.sql',
  'create_services_table.sql',
  'create_services_mv.sql',
  'create_operations_table.sql',
  'create_operations_mv.sql',
];

/** Jaeger's DDL statements, in the order its factory runs them (`create_schema: true`). */
export function jaegerDdl(): string[] {
  let cache: string;
  try {
    cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      "Go is needed to find Jaeger's ClickHouse DDL in the module cache: install Go, then run `node stack/jaeger-build.mjs`",
    );
  }
  const dir = join(cache, JAEGER_MODULE, 'internal/storage/v2/clickhouse/sql');
  // The stack's Jaeger build puts the module there; fetch it from the Go module proxy if it has not.
  if (!existsSync(dir)) execFileSync('go', ['mod', 'download', JAEGER_MODULE], { stdio: 'ignore' });
  if (!existsSync(dir))
    throw new Error(
      `Jaeger's ClickHouse DDL is not in ${dir}: run \`go mod download ${JAEGER_MODULE}\` (or \`node stack/jaeger-build.mjs\`)`,
    );
  return DDL.map((f) => readFileSync(join(dir, f), 'utf8'));
}

type Typed = Record<'bool' | 'double' | 'int' | 'str' | 'complex', { key: string[]; value: unknown[] }>;

/** Splits attributes into Jaeger's typed arrays (extractAttributes in dbmodel/to.go). */
function typed(attributes: Attributes): Typed {
  const out: Typed = {
    bool: { key: [], value: [] },
    double: { key: [], value: [] },
    int: { key: [], value: [] },
    str: { key: [], value: [] },
    complex: { key: [], value: [] },
  };
  const put = (kind: keyof Typed, key: string, value: unknown) => {
    out[kind].key.push(key);
    out[kind].value.push(value);
  };
  for (const [key, v] of Object.entries(attributes)) {
    if (typeof v === 'boolean') put('bool', key, v);
    else if (typeof v === 'number') put(Number.isInteger(v) ? 'int' : 'double', key, v);
    else if (typeof v === 'string') put('str', key, v);
    else if (Array.isArray(v)) put('complex', `@slice@${key}`, JSON.stringify(v));
  }
  return out;
}

const STATUS = { UNSET: 'Unset', OK: 'Ok', ERROR: 'Error' } as const;

/** One span as a JSONEachRow object of Jaeger's `spans` table. */
export function jaegerRow(span: Span): Record<string, unknown> {
  const row: Record<string, unknown> = {
    id: span.spanId,
    trace_id: span.traceId,
    trace_state: '',
    parent_span_id: span.parentSpanId ?? '',
    name: span.name,
    kind: span.kind === 'unspecified' ? '' : span.kind,
    start_time: `${new Date(Math.floor(span.startUs / 1000)).toISOString().replace('T', ' ').replace('Z', '')}${String(Math.round(span.startUs % 1000)).padStart(3, '0')}000`,
    status_code: STATUS[span.status.code],
    status_message: span.status.message ?? '',
    duration: Math.round((span.endUs - span.startUs) * 1000),
    service_name: span.service,
    scope_name: 'fixture',
    scope_version: '',
  };
  const own = typed(span.attributes);
  const resource = typed({ ...span.resource, 'service.name': span.service });
  for (const kind of ['bool', 'double', 'int', 'str', 'complex'] as const) {
    row[`${kind}_attributes.key`] = own[kind].key;
    row[`${kind}_attributes.value`] = own[kind].value;
    row[`resource_${kind}_attributes.key`] = resource[kind].key;
    row[`resource_${kind}_attributes.value`] = resource[kind].value;
  }
  return row;
}

/** Minimal chDB session surface. */
export interface Session {
  query(sql: string, format?: string): string;
  queryAsync(sql: string, opts?: { format?: string }): Promise<{ text(): string }>;
  close(): void;
}

/** Jaeger's tables in a fresh chDB session, holding `spans`. */
export async function jaegerStore(spans: readonly Span[]): Promise<Session> {
  const { Session } = (await import('chdb')) as unknown as { Session: new () => Session };
  const session = new Session();
  session.query('CREATE DATABASE jaeger');
  session.query('USE jaeger');
  for (const ddl of jaegerDdl()) session.query(ddl);
  if (spans.length > 0)
    session.query(
      `INSERT INTO jaeger.spans FORMAT JSONEachRow ${spans.map((s) => JSON.stringify(jaegerRow(s))).join('\n')}`,
    );
  return session;
}

/** `sql` with `settings` in its SETTINGS clause (added, or merged into the one it ends with). */
export function withSettings(sql: string, settings: Record<string, string | number>): string {
  const list = Object.entries(settings).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`);
  if (list.length === 0) return sql;
  const m = /\bSETTINGS\s+[^()]*$/i.exec(sql);
  return m ? `${sql}, ${list.join(', ')}` : `${sql} SETTINGS ${list.join(', ')}`;
}

/** Runs SQL on the session directly. */
export function chdbTransport(session: Session): ClickHouseTransport {
  return {
    origin: 'chdb (in process)',
    async query(sql, settings) {
      return (await session.queryAsync(withSettings(sql, settings), { format: 'JSONCompact' })).text();
    },
    async close() {},
  };
}

const NOT_SETTINGS = new Set([
  'query_id',
  'database',
  'default_format',
  'enable_http_compression',
  'session_id',
  'query',
]);

/**
 * ClickHouse's HTTP interface in front of the session, as far as `@clickhouse/client` uses it: `GET
 * /ping`, and `POST /` with the query in the body, `FORMAT <f>` at its end and settings as URL
 * parameters. Errors answer 500 with ClickHouse's `Code: N. DB::Exception: …` text.
 */
export async function httpFront(session: Session): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/ping') return void res.end('Ok.\n');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const m = /\s+FORMAT\s+(\w+)\s*$/i.exec(body);
      const sql = m ? body.slice(0, m.index) : body;
      const settings: Record<string, string | number> = {};
      for (const [k, v] of url.searchParams) if (!NOT_SETTINGS.has(k)) settings[k] = /^\d+$/.test(v) ? Number(v) : v;
      try {
        const out = (
          await session.queryAsync(withSettings(sql, settings), { format: m?.[1] ?? 'TabSeparated' })
        ).text();
        res.writeHead(200, { 'content-type': 'application/json' }).end(out);
      } catch (error) {
        const text = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
        const code = /Code: (\d+)/.exec(text)?.[1] ?? '1';
        res.writeHead(500, { 'x-clickhouse-exception-code': code }).end(text.replace(/^Query failed: /, ''));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server };
}
