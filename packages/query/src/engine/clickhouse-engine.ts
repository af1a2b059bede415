/**
 * Queries a ClickHouse server where Jaeger v2 stores its spans (the `clickhouse` storage backend),
 * over ClickHouse's HTTP interface with `@clickhouse/client`: the same query model, compiled to the
 * same SQL, against Jaeger's own `spans` table — no scan limit, nothing copied out first.
 *
 * @example
 * const engine = await openClickHouse({ url: 'http://localhost:8123', database: 'jaeger' });
 * const relation = await engine.relation('events', { fromUs: Date.now() * 1000 - 3600e6, toUs: Date.now() * 1000 });
 * @module
 */
import { WidelineQueryError } from '../errors.ts';
import type { TimeWindow } from '../model/query.ts';
import type { Relation } from '../sql/compile.ts';
import { checkReadOnlySql, isSelectAst } from '../sql/guard.ts';
import { ident } from '../sql/quote.ts';
import { prependCtes } from './chdb-engine.ts';
import {
  fromJsonCompact,
  parseEngineError,
  type QueryEngine,
  QueryEngineError,
  type ResultSet,
  type ViewName,
} from './engine.ts';
import { type JaegerKey, jaegerCatalog, jaegerSpansSql, keysFromRows, keysSql } from './jaeger-layout.ts';

/** Runs SQL somewhere that speaks ClickHouse: a server over HTTP, or (in tests) chDB. */
export interface ClickHouseTransport {
  /** Where it is, for messages. */
  readonly origin: string;
  /** Runs a query and returns its `JSONCompact` text. */
  query(sql: string, settings: Record<string, string | number>): Promise<string>;
  close(): Promise<void>;
}

/** ClickHouse did not answer (refused, DNS, timeout). Exit code 3, as for Jaeger. */
export class ClickHouseUnreachableError extends WidelineQueryError {
  constructor(url: string, cause: string) {
    super(
      `ClickHouse is not reachable at ${url} (${cause}). Start the stack's ClickHouse profile with \`docker compose --profile clickhouse up -d\`, or point at another server with --clickhouse <url> / WIDELINE_CLICKHOUSE_URL.`,
      3,
    );
  }
}

/** ClickHouse answered, but not with Jaeger's tables or not to these credentials. Exit code 5. */
export class ClickHouseResponseError extends WidelineQueryError {
  constructor(message: string) {
    super(message, 5);
  }
}

/** Options for {@link openClickHouse}. */
export interface ClickHouseOptions {
  /** `http(s)://[user:password@]host:8123`. */
  url: string;
  /** The database Jaeger writes to (`database:` in its config). Default `jaeger`. */
  database?: string;
  /** Give up on a request after this long. Default 30 000 ms. */
  timeoutMs?: number;
}

const SETTINGS = { output_format_json_quote_64bit_integers: 0, output_format_json_quote_denormals: 0 };

/** A ClickHouse server holding Jaeger's tables. */
export class ClickHouseEngine implements QueryEngine {
  readonly kind = 'clickhouse' as const;
  readonly #transport: ClickHouseTransport;
  readonly #table: string;
  readonly #keys = new Map<string, JaegerKey[]>();

  constructor(transport: ClickHouseTransport, database: string) {
    this.#transport = transport;
    this.#table = `${ident(database)}.spans`;
  }

  /** Where the server is. */
  get origin(): string {
    return this.#transport.origin;
  }

  async #keysOf(window: TimeWindow): Promise<JaegerKey[]> {
    const id = `${window.fromUs}-${window.toUs}`;
    let keys = this.#keys.get(id);
    if (!keys) {
      keys = keysFromRows((await this.run(keysSql(this.#table, window))).rows);
      this.#keys.set(id, keys);
    }
    return keys;
  }

  /** The view over a window. ClickHouse needs a window: Jaeger's table has years of spans. */
  async relation(view: ViewName, window: TimeWindow | undefined): Promise<Relation> {
    if (!window) throw new Error('ClickHouseEngine.relation needs a time window');
    const keys = await this.#keysOf(window);
    const spans = jaegerSpansSql(this.#table, window, keys);
    const from = view === 'events' ? `(SELECT * FROM ${spans} WHERE is_event)` : spans;
    return { from: `${from} AS ${view}`, catalog: jaegerCatalog(keys), window };
  }

  async run(sql: string, settings: Record<string, string | number> = {}): Promise<ResultSet> {
    let text: string;
    try {
      text = await this.#transport.query(sql, { ...SETTINGS, ...settings });
    } catch (error) {
      throw this.#error(error);
    }
    return fromJsonCompact(text);
  }

  /** A user's SELECT with `events` and `spans` defined over the window, run with `readonly = 2`. */
  async userSql(sql: string, window: TimeWindow | undefined): Promise<ResultSet> {
    const text = checkReadOnlySql(sql);
    if (!window) throw new Error('ClickHouseEngine.userSql needs a time window');
    const ast = String((await this.run(`EXPLAIN AST ${text}`)).rows.map((r) => r[0]).join('\n'));
    if (!isSelectAst(ast))
      throw new QueryEngineError(
        `only a plain SELECT is allowed (the server parsed: ${ast.split('\n')[0]})`,
        undefined,
      );
    const keys = await this.#keysOf(window);
    const spans = jaegerSpansSql(this.#table, window, keys);
    const ctes = `spans AS (SELECT * FROM ${spans}), events AS (SELECT * FROM ${spans} WHERE is_event)`;
    return this.run(prependCtes(text, ctes), { readonly: 2 });
  }

  #error(error: unknown): WidelineQueryError {
    if (error instanceof WidelineQueryError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const parsed = parseEngineError(message);
    // @clickhouse/client's ClickHouseError carries the server's code apart from the message.
    const own = (error as { code?: unknown }).code;
    const code = typeof own === 'string' && /^\d+$/.test(own) ? Number(own) : parsed.code;
    const text = parsed.text;
    if (code === 81)
      return new ClickHouseResponseError(
        `ClickHouse at ${this.origin} has no database for ${this.#table}: set --clickhouse-database to the database: of Jaeger's clickhouse backend (${text})`,
      );
    if (code === 60)
      return new ClickHouseResponseError(
        `ClickHouse at ${this.origin} has no Jaeger span table ${this.#table}: is Jaeger's clickhouse backend writing here, and is --clickhouse-database right? (${text})`,
      );
    if (code === 516 || code === 192 || code === 194)
      return new ClickHouseResponseError(
        `ClickHouse at ${this.origin} refused the credentials: ${text}. Put them in the URL (http://user:password@host:8123) or WIDELINE_CLICKHOUSE_USER / WIDELINE_CLICKHOUSE_PASSWORD.`,
      );
    return new QueryEngineError(text, code);
  }

  async close(): Promise<void> {
    await this.#transport.close();
  }
}

/** Connects to a ClickHouse server over HTTP and checks that it answers. */
export async function openClickHouse(options: ClickHouseOptions): Promise<ClickHouseEngine> {
  const transport = await httpTransport(options);
  return new ClickHouseEngine(transport, options.database ?? 'jaeger');
}

/** A transport over ClickHouse's HTTP interface. Credentials come from the URL or the environment. */
export async function httpTransport(
  options: ClickHouseOptions,
  env: Record<string, string | undefined> = process.env,
): Promise<ClickHouseTransport> {
  let url: URL;
  try {
    url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new QueryEngineError(
      `--clickhouse "${options.url}" is not an http(s) URL: use e.g. http://localhost:8123`,
      undefined,
    );
  }
  const username = decodeURIComponent(url.username) || env.WIDELINE_CLICKHOUSE_USER || 'default';
  const password = decodeURIComponent(url.password) || env.WIDELINE_CLICKHOUSE_PASSWORD || '';
  url.username = '';
  url.password = '';
  const origin = url.toString().replace(/\/$/, '');
  const { createClient, ClickHouseLogLevel } = await import('@clickhouse/client');
  // The client's own log would repeat every error on stderr; wideline reports each once, with the fix.
  const client = createClient({
    url: origin,
    username,
    password,
    request_timeout: options.timeoutMs ?? 30_000,
    application: 'wideline',
    log: { level: ClickHouseLogLevel.OFF },
  });
  const ping = await client.ping();
  if (!ping.success) {
    await client.close();
    const cause = ping.error as Error & { code?: string; cause?: { code?: string } };
    throw new ClickHouseUnreachableError(origin, cause.code ?? cause.cause?.code ?? cause.message);
  }
  return {
    origin,
    async query(sql, settings) {
      const result = await client.query({ query: sql, format: 'JSONCompact', clickhouse_settings: settings as never });
      return result.text();
    },
    close: () => client.close(),
  };
}
