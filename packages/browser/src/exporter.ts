/**
 * OTLP/HTTP JSON export for pages. The pinned `@opentelemetry/exporter-trace-otlp-http` browser build
 * (0.223.1) already uses `fetch` with `keepalive` inside the 64 KiB budget and retries; what it lacks is what
 * pages need when they go away: a hand-off that does not wait for the response (so a flush in
 * `pagehide` sends every batch before the page dies), a queue in storage for offline periods and
 * reloads, and counters. It also weighs more (see the README's size table).
 *
 * `export()` serializes, hands the body to the transport and reports success at once: from then on
 * the transport owns the batch (retries with backoff, then the offline queue, then a counted drop).
 *
 * @module
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createWarnOnce, encodeSpans } from '@wideline/core/sdk';
import { OfflineQueue, type OfflineQueueOptions } from './offline-queue';
import { type StorageLike, storageArea } from './session';

/** Browsers refuse keepalive requests past 64 KiB in flight; leave room for headers. */
export const KEEPALIVE_BUDGET_BYTES = 60 * 1024;

/** Options of {@link BrowserOtlpExporter}. */
export interface BrowserExporterOptions {
  /** The OTLP/HTTP traces URL, e.g. `http://localhost:4318/v1/traces`. */
  url: string;
  /** Extra request headers (an API key). Note: each custom header must pass the collector's CORS. */
  headers?: Record<string, string>;
  /** Attempts after the first for 429, 502, 503, 504 and network errors. Default 3. */
  maxRetries?: number;
  /** First retry delay; doubles each time, with jitter. Default 500 ms. */
  backoffMs?: number;
  /** A request without an answer after this long is abandoned (and retried). Default 30 000 ms. */
  timeoutMs?: number;
  /** Requests in flight or waiting to retry; more go to the offline queue or are dropped. Default 16. */
  maxPending?: number;
  /** Keep unsent batches in localStorage across offline periods and reloads. Default on; `false` to turn off. */
  offlineQueue?: OfflineQueueOptions | false;
  /** Attributes added to every span at export, e.g. the session id at the span's start. */
  stamp?: (span: ReadableSpan) => Record<string, string> | undefined;
  /** The unpatched `fetch`; the exporter's own requests must never be traced. */
  fetch?: typeof fetch;
  /** Warned once per kind of trouble. */
  onWarning?: (message: string) => void;
}

/** Transport counters. */
export interface TransportStats {
  requestsSent: number;
  requestsRetried: number;
  requestsQueuedOffline: number;
  requestsFromQueue: number;
  requestsDropped: number;
  pending: number;
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const encoder = new TextEncoder();

/** Adds attributes to a finished span without copying or mutating it. */
function withAttributes(span: ReadableSpan, extra: Record<string, string> | undefined): ReadableSpan {
  if (!extra) return span;
  return Object.create(span, { attributes: { value: { ...span.attributes, ...extra }, enumerable: true } });
}

/**
 * The browser's span exporter: OTLP/HTTP JSON over `fetch`. `initBrowser` sets it up; use it
 * directly only with your own OpenTelemetry provider. Not for Node or Workers (no keepalive budget,
 * no storage there): use core's pipeline there.
 *
 * @example
 * const exporter = new BrowserOtlpExporter({ url: 'https://otel.example.com/v1/traces' });
 * addEventListener('online', () => exporter.drainQueue());
 */
export class BrowserOtlpExporter implements SpanExporter {
  readonly #options: BrowserExporterOptions;
  readonly #fetch: typeof fetch;
  readonly #queue: OfflineQueue | undefined;
  readonly #warnOnce: (key: string, message: string) => void;
  #keepaliveBytes = 0;
  #unloading = false;
  #draining = false;
  #shutdown = false;
  readonly #stats: TransportStats = {
    requestsSent: 0,
    requestsRetried: 0,
    requestsQueuedOffline: 0,
    requestsFromQueue: 0,
    requestsDropped: 0,
    pending: 0,
  };

  constructor(options: BrowserExporterOptions, storage: StorageLike | undefined = storageArea('local')) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#warnOnce = createWarnOnce(options.onWarning);
    this.#queue =
      options.offlineQueue === false || !storage ? undefined : new OfflineQueue(storage, options.offlineQueue);
  }

  /** A snapshot of the transport counters. */
  stats(): TransportStats {
    return { ...this.#stats };
  }

  /** While unloading, batches that cannot go out with keepalive go to storage instead of a doomed request. */
  setUnloading(unloading: boolean): void {
    this.#unloading = unloading;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter shut down') });
      return;
    }
    let body: string;
    try {
      body = encodeSpans(spans.map((span) => withAttributes(span, this.#options.stamp?.(span))));
    } catch (error) {
      this.#stats.requestsDropped++;
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
      return;
    }
    this.#send(body, 0, false);
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /**
   * Sends what the offline queue holds, one request at a time. Does nothing while the page unloads:
   * a claimed batch leaves storage before its request starts, and a page that dies in between (an
   * `online` event can arrive after `pagehide`) would lose it. The next page drains instead.
   */
  drainQueue(): void {
    if (!this.#queue || this.#draining || this.#shutdown || this.#unloading) return;
    if (globalThis.navigator?.onLine === false) return;
    const body = this.#queue.claim();
    if (body === undefined) return;
    this.#draining = true;
    this.#stats.requestsFromQueue++;
    this.#send(body, 0, true);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.#shutdown = true;
    return Promise.resolve();
  }

  #send(body: string, attempt: number, fromQueue: boolean): void {
    if (globalThis.navigator?.onLine === false) {
      this.#park(body, fromQueue, 'offline');
      return;
    }
    if (this.#stats.pending >= (this.#options.maxPending ?? 16)) {
      this.#park(body, fromQueue, 'too many requests');
      return;
    }
    const size = encoder.encode(body).byteLength;
    const keepalive = this.#keepaliveBytes + size <= KEEPALIVE_BUDGET_BYTES;
    // A plain request started while the page unloads is cancelled with it; storage outlives it.
    if (!keepalive && this.#unloading && this.#queue) {
      this.#park(body, fromQueue, 'unloading');
      return;
    }
    if (keepalive) this.#keepaliveBytes += size;
    this.#stats.pending++;
    let request: Promise<Response>;
    try {
      request = this.#fetch(this.#options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...this.#options.headers },
        body,
        keepalive,
        mode: 'cors',
        credentials: 'omit',
        // A hung request would hold its slot (and the keepalive budget) forever.
        ...(typeof AbortSignal.timeout === 'function'
          ? { signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000) }
          : {}),
      });
    } catch (error) {
      request = Promise.reject(error);
    }
    request
      .then(
        (response) => {
          if (response.ok) {
            this.#sent(fromQueue);
            return;
          }
          if (RETRYABLE.has(response.status)) {
            this.#retry(body, attempt, fromQueue, `HTTP ${response.status}`);
            return;
          }
          this.#drop(fromQueue, `collector answered HTTP ${response.status}`);
        },
        (error: unknown) =>
          this.#retry(body, attempt, fromQueue, error instanceof Error ? error.message : 'network error'),
      )
      .finally(() => {
        this.#stats.pending--;
        if (keepalive) this.#keepaliveBytes -= size;
      });
  }

  #sent(fromQueue: boolean): void {
    this.#stats.requestsSent++;
    if (fromQueue) this.#draining = false;
    // The collector answers again: whatever waited in storage can go now.
    this.drainQueue();
  }

  #retry(body: string, attempt: number, fromQueue: boolean, reason: string): void {
    const maxRetries = this.#options.maxRetries ?? 3;
    if (this.#unloading || globalThis.navigator?.onLine === false || attempt >= maxRetries) {
      this.#park(body, fromQueue, reason);
      return;
    }
    this.#stats.requestsRetried++;
    const delay = (this.#options.backoffMs ?? 500) * 2 ** attempt * (0.75 + Math.random() * 0.5);
    setTimeout(() => this.#send(body, attempt + 1, fromQueue), delay);
  }

  /** Puts a body in the offline queue, or drops it (counted) when there is none. */
  #park(body: string, fromQueue: boolean, reason: string): void {
    if (fromQueue) this.#draining = false;
    if (!this.#queue) {
      this.#drop(false, reason);
      return;
    }
    const evicted = this.#queue.push(body);
    this.#stats.requestsQueuedOffline++;
    if (evicted > 0) {
      this.#stats.requestsDropped += evicted;
      this.#warnOnce('queue-full', '[wideline] offline span queue full; oldest batches dropped');
    }
  }

  #drop(fromQueue: boolean, reason: string): void {
    if (fromQueue) this.#draining = false;
    this.#stats.requestsDropped++;
    this.#warnOnce('drop', `[wideline] span export failed (${reason}); batches are dropped and counted`);
  }
}
