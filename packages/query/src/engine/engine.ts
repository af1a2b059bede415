/**
 * What a query engine offers the commands: the `events` / `spans` relations of a window, SQL to run,
 * and `wideline sql` over the same two views. Two implementations: the embedded engine (chDB, data
 * loaded from Jaeger's API or OTLP files) and a ClickHouse server holding Jaeger's own span tables.
 *
 * @module
 */
import { WidelineQueryError } from '../errors.ts';
import type { TimeWindow } from '../model/query.ts';
import type { Relation } from '../sql/compile.ts';

/** A column of a result. */
export interface ResultColumn {
  name: string;
  /** The engine's type name, e.g. `Float64`, `Nullable(String)`, `DateTime64(9, 'UTC')`. */
  type: string;
}

/** Rows as arrays in column order. Times are ISO-8601 strings (UTC), numbers are numbers. */
export interface ResultSet {
  columns: ResultColumn[];
  rows: unknown[][];
  /** Rows and bytes the engine read, when it reports them. */
  stats?: { rowsRead: number; bytesRead: number; elapsedMs: number };
}

/** Which view a query reads. */
export type ViewName = 'events' | 'spans';

/** A query engine. */
export interface QueryEngine {
  /** `embedded` (chDB) or `clickhouse` (a server). */
  readonly kind: 'embedded' | 'clickhouse';
  /** The relation (FROM text and fields) of a view over a window. */
  relation(view: ViewName, window: TimeWindow | undefined): Promise<Relation>;
  /** Runs SQL the model generated. */
  run(sql: string): Promise<ResultSet>;
  /** Runs a user's `SELECT` over the `events` and `spans` views, refusing anything else. */
  userSql(sql: string, window: TimeWindow | undefined): Promise<ResultSet>;
  close(): Promise<void>;
}

/** The engine refused or failed a query. Exit code 2 for a bad query (the common case). */
export class QueryEngineError extends WidelineQueryError {
  /** ClickHouse's error code, e.g. 47 (unknown identifier), 62 (syntax error). */
  readonly code: number | undefined;
  constructor(message: string, code: number | undefined, exitCode = 2) {
    super(message, exitCode);
    this.code = code;
  }
}

/** The embedded engine's package cannot be loaded on this machine. Exit code 6. */
export class EngineUnavailableError extends WidelineQueryError {
  constructor(detail: string) {
    super(
      `the embedded query engine (chDB, ClickHouse in process) is not available: ${detail}. It comes with @wideline/query as the chdb package (Linux x64/arm64 and macOS); reinstall with \`pnpm add @wideline/query\`, or query a ClickHouse server with --clickhouse <url>.`,
      6,
    );
  }
}

/** Converts one JSONCompact cell: `DateTime64` text to ISO-8601 UTC. */
export function cell(value: unknown, type: string): unknown {
  if (typeof value === 'string' && /DateTime/.test(type)) {
    const iso = value.replace(' ', 'T');
    return /\.\d+$/.test(iso) ? `${iso}Z` : `${iso}.000Z`;
  }
  return value;
}

/** Reads ClickHouse's `JSONCompact` output. */
export function fromJsonCompact(text: string): ResultSet {
  const body = JSON.parse(text) as {
    meta: ResultColumn[];
    data: unknown[][];
    statistics?: { elapsed: number; rows_read: number; bytes_read: number };
  };
  const columns = body.meta.map((m) => ({ name: m.name, type: m.type }));
  const rows = body.data.map((row) => row.map((v, i) => cell(v, columns[i]!.type)));
  const s = body.statistics;
  return {
    columns,
    rows,
    ...(s ? { stats: { rowsRead: s.rows_read, bytesRead: s.bytes_read, elapsedMs: s.elapsed * 1000 } } : {}),
  };
}

/** ClickHouse's `Code: 47. DB::Exception: … (UNKNOWN_IDENTIFIER)` → code and the readable part. */
export function parseEngineError(message: string): { code: number | undefined; text: string } {
  const m = /Code: (\d+)\. DB::Exception: ([\s\S]*?)(?:\s*\(([A-Z_]+)\))?(?:\s*\(version [^)]*\))?\s*$/.exec(message);
  if (!m) return { code: undefined, text: message.replace(/^Query failed: /, '').trim() };
  return { code: Number(m[1]), text: m[2]!.replace(/^default: /, '').trim() };
}
