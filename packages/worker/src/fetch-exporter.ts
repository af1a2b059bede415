/**
 * OTLP/HTTP JSON over the Workers `fetch`. The OpenTelemetry HTTP exporter's browser build expects
 * XHR or `sendBeacon` and carries retry machinery that a Worker, which flushes once per invocation
 * under `ctx.waitUntil`, cannot use; serialising with `@opentelemetry/otlp-transformer` and posting
 * with `fetch` is all that is needed, and keeps the bundle small.
 *
 * @module
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

// Taken when this module is evaluated, before any request: other SDKs (Sentry's fetch integration,
// our own outgoing instrumentation) wrap the global later, and export requests must reach neither.
const nativeFetch: typeof fetch = globalThis.fetch.bind(globalThis);

/** Options for {@link FetchSpanExporter}. */
export interface FetchSpanExporterOptions {
  /** Full OTLP traces URL, e.g. `http://localhost:4318/v1/traces`. */
  url: string;
  /** Extra request headers (authentication). */
  headers?: Record<string, string>;
  /** The request is aborted after this many ms. Default 2000. */
  timeoutMs?: number;
}

/**
 * Sends spans as OTLP/HTTP JSON with `fetch`. Never throws; a failed, refused or timed-out request
 * reports a failed {@link ExportResult}, which the export pipeline counts.
 *
 * @example
 * new FetchSpanExporter({ url: 'http://localhost:4318/v1/traces', timeoutMs: 1000 })
 */
export class FetchSpanExporter implements SpanExporter {
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  #shutdown = false;

  constructor(options: FetchSpanExporterOptions) {
    this.#url = options.url;
    this.#headers = { ...options.headers, 'content-type': 'application/json' };
    this.#timeoutMs = options.timeoutMs ?? 2000;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    this.#send(spans).then(resultCallback, (error: unknown) =>
      resultCallback({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      }),
    );
  }

  async #send(spans: ReadableSpan[]): Promise<ExportResult> {
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) return { code: ExportResultCode.FAILED, error: new Error('spans could not be serialised') };
    const response = await nativeFetch(this.#url, {
      method: 'POST',
      headers: this.#headers,
      body,
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    // The body must be consumed or cancelled, or the Workers runtime keeps the connection open.
    await response.body?.cancel().catch(() => undefined);
    return response.ok
      ? { code: ExportResultCode.SUCCESS }
      : { code: ExportResultCode.FAILED, error: new Error(`collector answered ${response.status}`) };
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.#shutdown = true;
    return Promise.resolve();
  }
}
