/**
 * OTLP/HTTP JSON over `fetch`: the exporter `createTracing` uses unless given another. It runs
 * unchanged in Node (18+), Cloudflare Workers and browsers, weighs a few KB, and never throws: a
 * refused, failed or timed-out request reports a failed result, which the export pipeline counts.
 *
 * Node services that want HTTP keep-alive agents and the OpenTelemetry exporter's retry policy use
 * `createNodeTracing` from `@wideline/core/node`, which plugs in `@opentelemetry/exporter-trace-otlp-http`.
 *
 * @module
 */
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { DEFAULT_EXPORT_TIMEOUT_MS } from './config';
import { EXPORT_FAILED, EXPORT_SUCCESS } from './export-result';
import { encodeSpans } from './otlp-json';

// Taken when this module is evaluated, before other SDKs (Sentry's fetch integration, Wideline's own
// outgoing instrumentation) wrap the global: export requests must never be traced or reported.
const unpatchedFetch: typeof fetch | undefined = globalThis.fetch?.bind(globalThis);

/** Options for {@link FetchSpanExporter}. */
export interface FetchSpanExporterOptions {
  /** Full OTLP traces URL, e.g. `http://localhost:4318/v1/traces`. */
  url: string;
  /** Extra request headers (authentication). */
  headers?: Record<string, string>;
  /** The request is aborted after this many ms. Default 10 000 (`DEFAULT_EXPORT_TIMEOUT_MS`). */
  timeoutMs?: number;
  /** The `fetch` to use. Default: the global `fetch` as it was when this module loaded. */
  fetch?: typeof fetch;
}

/**
 * Sends spans as OTLP/HTTP JSON with `fetch`, one request per `export()` call, from inside it. The
 * export pipeline (`BatchExportProcessor`) decides when and bounds the time with the same timeout.
 *
 * Not the Worker's `OutboxSpanExporter` (`@wideline/worker`), whose `export()` only serialises and
 * whose `send()` posts from the calling invocation: a Worker must not do I/O for one request from
 * another's context. Use this one in Node, browsers' own pipelines and any runtime without that rule.
 * Side by side: docs/exporters.md.
 *
 * @example
 * createTracing({ exporter: new FetchSpanExporter({ url: 'https://otlp.example/v1/traces', headers: { 'x-api-key': key } }) })
 */
export class FetchSpanExporter implements SpanExporter {
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch | undefined;
  #shutdown = false;

  constructor(options: FetchSpanExporterOptions) {
    this.#url = options.url;
    this.#headers = { ...options.headers, 'content-type': 'application/json' };
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS;
    this.#fetch = options.fetch ?? unpatchedFetch;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const failed = (error: unknown) =>
      resultCallback({
        code: EXPORT_FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      });
    const fetchFn = this.#fetch;
    if (this.#shutdown || !fetchFn) {
      failed(this.#shutdown ? 'exporter is shut down' : 'no fetch in this runtime');
      return;
    }
    this.#send(fetchFn, spans).then(resultCallback, failed);
  }

  async #send(fetchFn: typeof fetch, spans: ReadableSpan[]): Promise<ExportResult> {
    const response = await fetchFn(this.#url, {
      method: 'POST',
      headers: this.#headers,
      body: encodeSpans(spans),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    // The body must be consumed or cancelled, or undici and workerd keep the connection busy. A
    // collector answers a few bytes (an empty partial-success object): reading them lets the
    // connection be reused, where cancelling aborts its stream (in Node, with an AbortError).
    await response.arrayBuffer().catch(() => undefined);
    return response.ok
      ? { code: EXPORT_SUCCESS }
      : { code: EXPORT_FAILED, error: new Error(`collector answered ${response.status}`) };
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.#shutdown = true;
    return Promise.resolve();
  }
}
