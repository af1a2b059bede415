/**
 * The embedded engine: ClickHouse in process (chDB). Spans are loaded into memory tables — from
 * OTLP/JSON files, from Jaeger's `/api/v3` answers (both parsed by the engine's own JSON reader), or
 * from {@link Span} objects — then queried with the same ClickHouse SQL that runs on a server.
 *
 * `chdb` is imported only when an engine is created, so `wideline trace` never loads it.
 *
 * @example
 * const engine = await ChdbEngine.create();
 * await engine.loadOtlpFile('traces.jsonl');
 * const summary = await engine.finishLoad();
 * const result = await engine.run('SELECT service, count() FROM events GROUP BY service');
 * await engine.close();
 * @module
 */
import { computedFields, FIXED_FIELDS, type Field, FieldCatalog } from '../model/fields.ts';
import type { TimeWindow } from '../model/query.ts';
import type { Span } from '../span.ts';
import type { Relation } from '../sql/compile.ts';
import { checkReadOnlySql, isSelectAst } from '../sql/guard.ts';
import { ident } from '../sql/quote.ts';
import {
  EngineUnavailableError,
  fromJsonCompact,
  parseEngineError,
  type QueryEngine,
  QueryEngineError,
  type ResultSet,
  type ViewName,
} from './engine.ts';
import { describeBadDocument, documentSplit } from './otlp-documents.ts';
import {
  type AttributeType,
  attributeColumn,
  attributeKeys,
  attributeKindsSql,
  CREATE_RAW_SPANS,
  CREATE_STAGE,
  insertRawSql,
  LOAD_SETTINGS,
  type LoadPhaseName,
  NOT_OTLP,
  otlpFileSource,
  PARENT_LOOKUPS_SQL,
  pivotSql,
} from './otlp-schema.ts';
import { spanRow } from './span-rows.ts';

/** The part of chDB's `Session` this engine uses. */
interface ChdbSession {
  query(sql: string, format?: string): string;
  queryAsync(sql: string, opts?: { format?: string }): Promise<{ text(): string }>;
  insert(params: { table: string; values: Buffer | string; format: 'JSONEachRow' }): Promise<unknown>;
  close(): void;
}

/** Wall and CPU time of one step of loading (all of this process's threads: chDB parses on all cores). */
export interface LoadPhase {
  name: LoadPhaseName;
  wallMs: number;
  cpuMs: number;
}

/** What was loaded. */
export interface LoadSummary {
  spans: number;
  events: number;
  traces: number;
  /** Earliest span start and latest span end, µs; undefined when nothing was loaded. */
  fromUs: number | undefined;
  toUs: number | undefined;
}

const TYPE_OF: Record<AttributeType, Field['type']> = {
  String: 'string',
  Int64: 'number',
  Float64: 'number',
  Bool: 'bool',
};

/** ClickHouse in process, holding the loaded window. */
export class ChdbEngine implements QueryEngine {
  readonly kind = 'embedded' as const;
  readonly #session: ChdbSession;
  #catalog: FieldCatalog | undefined;
  #readonly = false;
  #bodies = 0;
  #spanLoads = 0;
  readonly #phases: LoadPhase[] = [];

  private constructor(session: ChdbSession) {
    this.#session = session;
  }

  /** Starts an empty engine. Throws {@link EngineUnavailableError} when chDB cannot load here. */
  static async create(): Promise<ChdbEngine> {
    let Session: new () => ChdbSession;
    try {
      ({ Session } = (await import('chdb')) as unknown as { Session: new () => ChdbSession });
    } catch (error) {
      throw new EngineUnavailableError((error as Error).message.split('\n')[0]!);
    }
    let session: ChdbSession;
    try {
      session = new Session();
    } catch (error) {
      const message = (error as Error).message;
      if (/only one active/.test(message))
        throw new Error('ChdbEngine: chDB runs one engine per process at a time; close() the open one first');
      throw new EngineUnavailableError(message.split('\n')[0]!);
    }
    const engine = new ChdbEngine(session);
    const settings = { ...LOAD_SETTINGS, session_timezone: 'UTC', output_format_json_quote_64bit_integers: 0 };
    engine.#exec(
      `SET ${Object.entries(settings)
        .map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`)
        .join(', ')}`,
    );
    engine.#exec(CREATE_RAW_SPANS);
    engine.#exec(CREATE_STAGE);
    return engine;
  }

  #exec(sql: string): string {
    try {
      return this.#session.query(sql, 'JSONCompact');
    } catch (error) {
      throw engineError(error);
    }
  }

  /** Runs one load statement and adds its time to `phase`. */
  async #load(phase: LoadPhaseName, sql: string): Promise<string> {
    const wall = performance.now();
    const cpu = process.cpuUsage();
    try {
      return await this.#query(sql);
    } finally {
      const used = process.cpuUsage(cpu);
      const entry = this.#phases.find((p) => p.name === phase) ?? { name: phase, wallMs: 0, cpuMs: 0 };
      if (!this.#phases.includes(entry)) this.#phases.push(entry);
      entry.wallMs += performance.now() - wall;
      entry.cpuMs += (used.user + used.system) / 1000;
    }
  }

  /** Where the load's time went so far, step by step, in the order the steps first ran. */
  get phases(): readonly LoadPhase[] {
    return this.#phases.map((p) => ({ ...p }));
  }

  async #query(sql: string): Promise<string> {
    try {
      return (await this.#session.queryAsync(sql, { format: 'JSONCompact' })).text();
    } catch (error) {
      throw engineError(error);
    }
  }

  /** Loads one OTLP/JSON file (JSON lines as the Collector's file exporter writes, or one JSON document). */
  async loadOtlpFile(path: string): Promise<void> {
    this.#assertLoading();
    const split = await documentSplit(path);
    try {
      await this.#load('parse', insertRawSql(otlpFileSource(path, split)));
    } catch (error) {
      if (!(error instanceof QueryEngineError && error.message.includes(NOT_OTLP))) throw error;
      const where = await describeBadDocument(path, split);
      throw new QueryEngineError(where ?? NOT_OTLP, error.code);
    }
  }

  /**
   * Loads one JSON body (a TracesData object, or Jaeger's `/api/v3` answer) and returns how many
   * traces it held and the earliest span start in it (µs).
   */
  async loadOtlpBody(body: Buffer | string): Promise<{ traces: number; oldestStartUs: number | undefined }> {
    this.#assertLoading();
    try {
      await this.#session.insert({ table: 'otlp_stage', values: body, format: 'JSONEachRow' });
    } catch (error) {
      throw engineError(error);
    }
    const counted = fromJsonCompact(
      await this.#query(`SELECT uniqExact(sp.traceId), min(toUInt64OrZero(sp.startTimeUnixNano)) FROM otlp_stage
        ARRAY JOIN result.resourceSpans AS rs ARRAY JOIN rs.scopeSpans AS ss ARRAY JOIN ss.spans AS sp`),
    );
    await this.#load('parse', insertRawSql('otlp_stage', 'result.resourceSpans', 'String'));
    this.#bodies++;
    await this.#query('TRUNCATE TABLE otlp_stage');
    const [traces, oldest] = counted.rows[0] as [number, number];
    return { traces, oldestStartUs: traces > 0 ? Math.floor(oldest / 1000) : undefined };
  }

  /** Loads spans already in memory (the legacy Jaeger API's answer, or a library caller's). */
  async loadSpans(spans: readonly Span[]): Promise<void> {
    this.#assertLoading();
    if (spans.length === 0) return;
    this.#spanLoads++;
    try {
      await this.#session.insert({
        table: 'raw_spans',
        values: `${spans.map(spanRow).join('\n')}\n`,
        format: 'JSONEachRow',
      });
    } catch (error) {
      throw engineError(error);
    }
  }

  /** Builds the `spans` table and the `events` view from what was loaded. Call once, after loading. */
  async finishLoad(): Promise<LoadSummary> {
    this.#assertLoading();
    const kinds = async (column: 'attrs' | 'rattrs') =>
      new Map(
        fromJsonCompact(await this.#load('kinds', attributeKindsSql(column))).rows.map(([key, s, i, d, b, c]) => [
          String(key),
          { s: Number(s), i: Number(i), d: Number(d), b: Number(b), c: Number(c) },
        ]),
      );
    const attributes = attributeKeys(await kinds('attrs'), await kinds('rattrs'));
    const [[lookups]] = fromJsonCompact(await this.#load('parents', PARENT_LOOKUPS_SQL)).rows as [[number]];
    // Jaeger answers one search per service: a trace that touched two services came twice.
    for (const [phase, sql] of pivotSql(attributes, this.#bodies > 1 || this.#spanLoads > 0, lookups! > 0))
      await this.#load(phase, sql);
    await this.#load('pivot', 'DROP TABLE raw_spans');
    await this.#query('CREATE VIEW events AS SELECT * FROM spans WHERE is_event');
    const fixed: Field[] = FIXED_FIELDS.map((f) => ({
      name: f.name,
      type: f.type,
      sql: ident(f.name),
      origin: 'fixed',
    }));
    this.#catalog = new FieldCatalog([
      ...fixed,
      ...computedFields(ident('duration_ms')),
      ...attributes.map((a) => {
        const name = attributeColumn(a.key);
        return { name, type: TYPE_OF[a.type], sql: ident(name), origin: 'attribute' as const };
      }),
    ]);
    const totals = fromJsonCompact(
      await this.#load(
        'totals',
        'SELECT count(), countIf(is_event), uniqExact(trace_id), toUnixTimestamp64Micro(min(start_time)), toUnixTimestamp64Micro(max(start_time + toIntervalNanosecond(toInt64(duration_ms * 1e6)))) FROM spans',
      ),
    );
    const [spans, events, traces, from, to] = totals.rows[0] as number[];
    return {
      spans: spans!,
      events: events!,
      traces: traces!,
      fromUs: spans! > 0 ? from : undefined,
      toUs: spans! > 0 ? to : undefined,
    };
  }

  /** The field catalog of the loaded data (after {@link finishLoad}). */
  get catalog(): FieldCatalog {
    if (!this.#catalog) throw new Error('ChdbEngine: call finishLoad() before querying');
    return this.#catalog;
  }

  async relation(view: ViewName, window: TimeWindow | undefined): Promise<Relation> {
    return { from: view, catalog: this.catalog, window };
  }

  async run(sql: string): Promise<ResultSet> {
    this.catalog;
    return fromJsonCompact(await this.#query(sql));
  }

  /**
   * Runs a user's SELECT over `events` and `spans`. The session becomes read-only first (ClickHouse's
   * `readonly = 2`), so the engine cannot be written to afterwards — nothing can be loaded later.
   */
  async userSql(sql: string, window: TimeWindow | undefined): Promise<ResultSet> {
    const text = checkReadOnlySql(sql);
    this.catalog;
    const ast = (await this.#queryText(`EXPLAIN AST ${text}`)).trim();
    if (!isSelectAst(ast))
      throw new QueryEngineError(
        `only a plain SELECT is allowed (the engine parsed: ${ast.split('\n')[0]})`,
        undefined,
      );
    if (!this.#readonly) {
      this.#exec('SET readonly = 2');
      this.#readonly = true;
    }
    return fromJsonCompact(await this.#query(windowed(text, window)));
  }

  async #queryText(sql: string): Promise<string> {
    try {
      return (await this.#session.queryAsync(sql, { format: 'TSVRaw' })).text();
    } catch (error) {
      throw engineError(error);
    }
  }

  #assertLoading(): void {
    if (this.#catalog) throw new Error('ChdbEngine: the data is already loaded (finishLoad() was called)');
  }

  async close(): Promise<void> {
    this.#session.close();
  }
}

/** The user's query with `events` / `spans` narrowed to the window, as CTEs in front of theirs. */
function windowed(sql: string, window: TimeWindow | undefined): string {
  if (!window) return sql;
  const cond = `start_time >= fromUnixTimestamp64Micro(toInt64(${Math.round(window.fromUs)}), 'UTC') AND start_time < fromUnixTimestamp64Micro(toInt64(${Math.round(window.toUs)}), 'UTC')`;
  const ctes = `events AS (SELECT * FROM default.events WHERE ${cond}), spans AS (SELECT * FROM default.spans WHERE ${cond})`;
  return prependCtes(sql, ctes);
}

/** `WITH <ctes> <sql>`, merged into the user's own WITH when it has one. */
export function prependCtes(sql: string, ctes: string): string {
  const m = /^(\s*(?:--[^\n]*\n|\/\*[\s\S]*?\*\/|\s)*)WITH\b/i.exec(sql);
  if (m) return `${m[1]}WITH ${ctes}, ${sql.slice(m[0].length)}`;
  return `WITH ${ctes} ${sql}`;
}

function engineError(error: unknown): QueryEngineError {
  const raw = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  const { code, text } = parseEngineError(raw);
  return new QueryEngineError(text, code);
}
