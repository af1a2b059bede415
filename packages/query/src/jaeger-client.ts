/**
 * A small Jaeger query client: `/api/v3` (OTLP-JSON) first, the legacy `/api` (Jaeger-JSON) when the
 * v3 route is not there (Jaeger before 1.35) or fails. Every failure becomes a {@link WidelineQueryError}
 * that names what to do.
 *
 * @example
 * const jaeger = new JaegerClient({ url: 'http://localhost:16686' });
 * const spans = await jaeger.getTrace('4bf92f3577b34da6a3ce929d0e0e4736');
 * @module
 */

import { jaegerTraceUrl } from '@wideline/core/conventions';
import { JaegerResponseError, JaegerUnreachableError, MalformedTraceIdError, TraceNotFoundError } from './errors.ts';
import { fromFetch, type HttpAnswer, type HttpGet, nodeHttpGet } from './http-get.ts';
import { type JaegerTracesBody, type OtlpTracesBody, spansFromLegacy, spansFromOtlp } from './otlp.ts';
import type { Span } from './span.ts';

/** Options for {@link JaegerClient}. */
export interface JaegerClientOptions {
  /** Jaeger query base URL. Default `http://localhost:16686`. */
  url?: string;
  /** Give up on one request after this long. Default 10 000 ms. */
  timeoutMs?: number;
  /** Injected for tests. Default: GET over `node:http` (the global `fetch` costs a fresh CLI process its start-up). */
  fetch?: typeof fetch;
}

/** Search parameters for {@link JaegerClient.searchTraces}. */
export interface TraceSearch {
  service: string;
  /** Window on span start times, microseconds since the epoch. */
  startMinUs: number;
  startMaxUs: number;
  /** How many matching traces Jaeger returns at most (its search depth). */
  limit: number;
  /** Restrict to spans with this name. */
  operation?: string;
}

/** Parameters for {@link JaegerClient.findTraceIds}. */
export interface AttributeSearch {
  service: string;
  /** A span attribute that must equal `value`. */
  key: string;
  value: string;
  /** Window on span start times, microseconds since the epoch. */
  startMinUs: number;
  startMaxUs: number;
  limit: number;
}

/** Which API answered: v3, or the legacy fallback (no link attributes). */
export type JaegerApi = 'v3' | 'legacy';

/** The answer to a trace fetch. */
export interface FetchedTrace {
  traceId: string;
  spans: Span[];
  api: JaegerApi;
  /** Where the fetch's time went, ms: the HTTP exchange, `JSON.parse`, and the conversion to spans. */
  timings?: { httpMs: number; parseMs: number; convertMs: number };
}

const TRACE_ID = /^[0-9a-f]{1,32}$/;

/**
 * Accepts a trace id as people paste it — 32 hex digits, a shorter id (left-padded, as Jaeger does), a
 * `traceparent` header value, or a Jaeger UI trace URL — and returns 32 lowercase hex digits.
 * Throws {@link MalformedTraceIdError} otherwise.
 */
export function normalizeTraceId(input: string): string {
  let id = input.trim().toLowerCase();
  const fromUrl = /\/trace\/([0-9a-f]+)\/?(?:[?#].*)?$/.exec(id);
  if (fromUrl?.[1]) id = fromUrl[1];
  const fromTraceparent = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(id);
  if (fromTraceparent?.[1]) id = fromTraceparent[1];
  if (!TRACE_ID.test(id) || /^0+$/.test(id)) throw new MalformedTraceIdError(input);
  return id.padStart(32, '0');
}

function rfc3339(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString();
}

/** Groups spans by trace id, keeping first-seen order. */
export function groupByTrace(spans: Span[]): Map<string, Span[]> {
  const traces = new Map<string, Span[]>();
  for (const span of spans) {
    const list = traces.get(span.traceId);
    if (list) list.push(span);
    else traces.set(span.traceId, [span]);
  }
  return traces;
}

/** Reads traces from Jaeger's query service. */
export class JaegerClient {
  readonly url: string;
  readonly #timeoutMs: number;
  readonly #httpGet: HttpGet;

  constructor(options: JaegerClientOptions = {}) {
    this.url = (options.url ?? 'http://localhost:16686').replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#httpGet = options.fetch ? fromFetch(options.fetch) : nodeHttpGet;
  }

  /** The Jaeger UI page of a trace. */
  uiUrl(traceId: string): string {
    return jaegerTraceUrl(traceId, this.url);
  }

  /** Fetches one trace. Throws {@link TraceNotFoundError} when Jaeger does not have it. */
  async getTrace(traceIdInput: string): Promise<FetchedTrace> {
    const traceId = normalizeTraceId(traceIdInput);
    const t0 = performance.now();
    const v3 = await this.#get(`/api/v3/traces/${traceId}`);
    if (v3.status === 200) {
      const text = await v3.text();
      const t1 = performance.now();
      const body = this.#parseText(v3.status, text) as OtlpTracesBody;
      const t2 = performance.now();
      const spans = spansFromOtlp(body);
      if (spans.length === 0) throw new TraceNotFoundError(traceId, this.url);
      const timings = { httpMs: t1 - t0, parseMs: t2 - t1, convertMs: performance.now() - t2 };
      return { traceId, spans, api: 'v3', timings };
    }
    if (v3.status === 404 && (await isJaegerNotFound(v3))) throw new TraceNotFoundError(traceId, this.url);
    const legacy = await this.#get(`/api/traces/${traceId}`);
    if (legacy.status === 404) throw new TraceNotFoundError(traceId, this.url);
    if (legacy.status !== 200) throw await this.#unusable(legacy);
    const text = await legacy.text();
    const t1 = performance.now();
    const body = this.#parseText(legacy.status, text) as JaegerTracesBody;
    const t2 = performance.now();
    const spans = spansFromLegacy(body);
    if (spans.length === 0) throw new TraceNotFoundError(traceId, this.url);
    const timings = { httpMs: t1 - t0, parseMs: t2 - t1, convertMs: performance.now() - t2 };
    return { traceId, spans, api: 'legacy', timings };
  }

  /** Finds traces with a span of `service` starting in the window; an empty map when none match. */
  async searchTraces(search: TraceSearch): Promise<{ traces: Map<string, Span[]>; api: JaegerApi }> {
    const found = await this.searchTracesBody(search);
    if (found.api === 'legacy') return { traces: groupByTrace(found.spans), api: 'legacy' };
    if (found.body === undefined) return { traces: new Map(), api: 'v3' };
    return { traces: groupByTrace(spansFromOtlp(this.#parse(found.body) as OtlpTracesBody)), api: 'v3' };
  }

  /**
   * Like {@link searchTraces}, but leaves a v3 answer as the raw OTLP-JSON body (`undefined` when
   * nothing matched), so a query engine can parse it natively; the legacy API's answer comes as spans.
   */
  async searchTracesBody(
    search: TraceSearch,
  ): Promise<{ api: 'v3'; body: Buffer | undefined } | { api: 'legacy'; spans: Span[] }> {
    const v3Params = new URLSearchParams({
      'query.service_name': search.service,
      'query.start_time_min': rfc3339(search.startMinUs),
      'query.start_time_max': rfc3339(search.startMaxUs),
      'query.num_traces': String(search.limit),
    });
    if (search.operation) v3Params.set('query.operation_name', search.operation);
    const v3 = await this.#get(`/api/v3/traces?${v3Params}`);
    if (v3.status === 200) {
      const body = await v3.bytes();
      if (body[0] !== 0x7b) this.#parse(body);
      return { api: 'v3', body };
    }
    // v3 answers 404 with a JSON error when nothing matches; a plain-text 404 means no v3 route.
    if (v3.status === 404 && (await isJaegerNotFound(v3))) return { api: 'v3', body: undefined };
    const legacyParams = new URLSearchParams({
      service: search.service,
      start: String(Math.floor(search.startMinUs)),
      end: String(Math.ceil(search.startMaxUs)),
      limit: String(search.limit),
    });
    if (search.operation) legacyParams.set('operation', search.operation);
    const legacy = await this.#get(`/api/traces?${legacyParams}`);
    if (legacy.status !== 200) throw await this.#unusable(legacy);
    return { api: 'legacy', spans: spansFromLegacy((await this.#json(legacy)) as JaegerTracesBody) };
  }

  /** The services Jaeger has seen (`/api/v3/services`, legacy `/api/services` as a fallback). */
  async services(): Promise<string[]> {
    const v3 = await this.#get('/api/v3/services');
    if (v3.status === 200) return ((await this.#json(v3)) as { services?: string[] }).services ?? [];
    const legacy = await this.#get('/api/services');
    if (legacy.status !== 200) throw await this.#unusable(legacy);
    return ((await this.#json(legacy)) as { data?: string[] | null }).data ?? [];
  }

  #parse(body: Buffer): unknown {
    return this.#parseText(200, body.toString('utf8'));
  }

  /**
   * Ids of the traces that have a span of `service` whose attribute `key` equals `value`. Through
   * the legacy `/api/traces` (its `tags` filter): Jaeger's `/api/v3` search takes no attributes.
   * An empty list when nothing matches.
   */
  async findTraceIds(search: AttributeSearch): Promise<string[]> {
    const params = new URLSearchParams({
      service: search.service,
      tags: JSON.stringify({ [search.key]: search.value }),
      start: String(Math.floor(search.startMinUs)),
      end: String(Math.ceil(search.startMaxUs)),
      limit: String(search.limit),
    });
    const res = await this.#get(`/api/traces?${params}`);
    if (res.status === 404) return [];
    if (res.status !== 200) throw await this.#unusable(res);
    const body = (await this.#json(res)) as { data?: Array<{ traceID?: unknown }> | null };
    const ids = (body.data ?? []).map((t) => t.traceID).filter((id): id is string => typeof id === 'string');
    return [...new Set(ids.map((id) => id.padStart(32, '0')))];
  }

  async #get(path: string): Promise<HttpAnswer> {
    try {
      return await this.#httpGet(`${this.url}${path}`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new JaegerUnreachableError(this.url, describeFetchError(error, this.#timeoutMs));
    }
  }

  async #json(res: HttpAnswer): Promise<unknown> {
    return this.#parseText(res.status, await res.text());
  }

  #parseText(status: number, text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new JaegerResponseError(
        `${this.url} answered ${status} with something that is not JSON (${text.slice(0, 80)}…): is this Jaeger's query port (16686)?`,
      );
    }
  }

  async #unusable(res: HttpAnswer): Promise<JaegerResponseError> {
    const text = (await res.text().catch(() => '')).slice(0, 200);
    return new JaegerResponseError(`Jaeger at ${this.url} answered ${res.status} ${res.statusText}: ${text}`);
  }
}

/** True when a 404 is Jaeger saying "no such trace" (JSON), not "no such route" (plain text). */
async function isJaegerNotFound(res: HttpAnswer): Promise<boolean> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: unknown; errors?: unknown };
    return body.error !== undefined || body.errors !== undefined;
  } catch {
    return false;
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`;
  // node:http puts the system error's code on the error; fetch puts it on the cause.
  const own = (error as { code?: unknown } | undefined)?.code;
  if (typeof own === 'string') return own;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
