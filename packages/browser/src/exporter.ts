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
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { copySpan, createWarnOnce, EXPORT_FAILED, EXPORT_SUCCESS, encodeSpans } from '@wideline/core/sdk';
import type { OfflineQueue } from './offline-queue';

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
  /** A request without an answer after this long is abandoned (and retried). Default 10 000 ms (`exportTimeoutMs`). */
  timeoutMs?: number;
  /** Requests in flight or waiting to retry; more go to the offline queue or are dropped. Default 16. */
  maxPending?: number;
  /** Where batches that cannot be sent wait (offline, reloads), e.g. `new OfflineQueue(localStorage)`. Default none: they are dropped, counted. */
  queue?: OfflineQueue | undefined;
  /** Attributes added to every span at export, e.g. the session id at the span's start. */
  stamp?: ((span: ReadableSpan) => Record<string, string> | undefined) | undefined;
  /** The unpatched `fetch`; the exporter's own requests must never be traced. */
  fetch?: typeof fetch;
  /** Warned once per kind of trouble. */
  onWarning?: ((message: string) => void) | undefined;
}

/** Transport counters. */
export interface TransportStats {
  requestsSent: number;
  requestsRetried: number;
  /** Requests written to the offline queue (offline, failing, in retry or unanswered at unload). */
  requestsQueuedOffline: number;
  requestsFromQueue: number;
  requestsDropped: number;
  pending: number;
}

/** A request on the wire. */
interface InFlight {
  readonly body: string;
  readonly keepalive: boolean;
  readonly startedAt: number;
  /** Also written to the offline queue at unload (its answer may never come). */
  stored: boolean;
}

/** A request in flight this long at unload counts as unanswered: a collector answers OTLP in far less. */
const UNANSWERED_MS = 1000;

const RETRYABLE = new Set([429, 502, 503, 504]);
const encoder = new TextEncoder();

/**
 * The browser's span exporter: OTLP/HTTP JSON over `fetch`. `initBrowser` sets it up; use it
 * directly only with your own OpenTelemetry provider. Not for Node or Workers (no keepalive budget,
 * no storage there): use core's pipeline there.
 *
 * @example
 * const exporter = new BrowserOtlpExporter({
 *   url: 'https://otel.example.com/v1/traces',
 *   queue: new OfflineQueue(localStorage),
 * });
 * addEventListener('online', () => exporter.drainQueue());
 */
export class BrowserOtlpExporter implements SpanExporter {
  readonly #options: BrowserExporterOptions;
  readonly #fetch: typeof fetch;
  readonly #queue: OfflineQueue | undefined;
  readonly #warnOnce: (key: string, message: string) => void;
  #keepaliveBytes = 0;
  #unloading = false;
  /** The last request failed (network, 5xx) and none succeeded since. */
  #failing = false;
  readonly #inFlight = new Set<InFlight>();
  readonly #waiting = new Map<ReturnType<typeof setTimeout>, { body: string; fromQueue: boolean }>();
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

  constructor(options: BrowserExporterOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#warnOnce = createWarnOnce(options.onWarning);
    this.#queue = options.queue;
  }

  /** A snapshot of the transport counters. */
  stats(): TransportStats {
    return { ...this.#stats };
  }

  /**
   * Called with `true` at `pagehide`: from then on nothing the page still holds may depend on a
   * later callback. Batches waiting to retry go to the offline queue at once, and so do requests
   * without an answer that may never get one (a plain request dies with the page; a keepalive one is
   * at risk when the collector is failing or slow). New batches go to storage instead of a request
   * that is doomed (too big for keepalive) or likely to fail (the collector is not answering).
   */
  setUnloading(unloading: boolean): void {
    this.#unloading = unloading;
    if (!unloading || !this.#queue) return;
    for (const [timer, waiting] of this.#waiting) {
      clearTimeout(timer);
      this.#park(waiting.body, waiting.fromQueue);
    }
    this.#waiting.clear();
    const unanswered = this.#unanswered();
    for (const request of this.#inFlight) {
      if (request.stored || (request.keepalive && !this.#failing && !unanswered)) continue;
      request.stored = true;
      this.#park(request.body, false);
    }
  }

  /** A request has been in flight too long for a collector that answers. */
  #unanswered(now = Date.now()): boolean {
    for (const request of this.#inFlight) if (now - request.startedAt >= UNANSWERED_MS) return true;
    return false;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: EXPORT_FAILED, error: new Error('exporter shut down') });
      return;
    }
    let body: string;
    try {
      body = encodeSpans(
        spans.map((span) => {
          const extra = this.#options.stamp?.(span);
          return extra ? copySpan(span, { attributes: { ...span.attributes, ...extra } }) : span;
        }),
      );
    } catch (error) {
      this.#stats.requestsDropped++;
      resultCallback({ code: EXPORT_FAILED, error: error as Error });
      return;
    }
    this.#send(body, 0, false);
    resultCallback({ code: EXPORT_SUCCESS });
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
    // The page's last moments: a request to a collector that is not answering would fail after the
    // page is gone, with nobody left to store the batch. Storage outlives the page.
    if (this.#unloading && this.#queue && (this.#failing || this.#unanswered())) {
      this.#park(body, fromQueue);
      return;
    }
    const size = encoder.encode(body).byteLength;
    const keepalive = this.#keepaliveBytes + size <= KEEPALIVE_BUDGET_BYTES;
    // A plain request started while the page unloads is cancelled with it; storage outlives it.
    if (!keepalive && this.#unloading && this.#queue) {
      this.#park(body, fromQueue);
      return;
    }
    if (keepalive) this.#keepaliveBytes += size;
    this.#stats.pending++;
    const request: InFlight = { body, keepalive, startedAt: Date.now(), stored: false };
    this.#inFlight.add(request);
    this.#request(body, keepalive)
      .then(
        (response) => this.#answered(request, response.status, attempt, fromQueue),
        (error: unknown) =>
          this.#failed(request, attempt, fromQueue, error instanceof Error ? error.message : 'network error'),
      )
      .finally(() => {
        this.#inFlight.delete(request);
        this.#stats.pending--;
        if (keepalive) this.#keepaliveBytes -= size;
      });
  }

  #request(body: string, keepalive: boolean): Promise<Response> {
    // Called in the executor: a fetch that throws (a bad URL) rejects the promise.
    return new Promise((resolve) =>
      resolve(
        this.#fetch(this.#options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.#options.headers },
          body,
          keepalive,
          mode: 'cors',
          credentials: 'omit',
          // A hung request would hold its slot (and the keepalive budget) forever.
          ...(typeof AbortSignal.timeout === 'function'
            ? { signal: AbortSignal.timeout(this.#options.timeoutMs ?? 10_000) }
            : {}),
        }),
      ),
    );
  }

  #answered(request: InFlight, status: number, attempt: number, fromQueue: boolean): void {
    if (status >= 200 && status < 300) {
      this.#failing = false;
      // Stored at unload, answered after all (the page lived on): the copy must not go twice.
      if (request.stored) this.#queue?.remove(request.body);
      this.#sent(fromQueue);
      return;
    }
    if (RETRYABLE.has(status)) {
      this.#failed(request, attempt, fromQueue, `HTTP ${status}`);
      return;
    }
    if (request.stored) this.#queue?.remove(request.body);
    this.#drop(fromQueue, `collector answered HTTP ${status}`);
  }

  #failed(request: InFlight, attempt: number, fromQueue: boolean, reason: string): void {
    this.#failing = true;
    if (request.stored) {
      // Already in storage since the unload: the next page sends it.
      if (fromQueue) this.#draining = false;
      return;
    }
    this.#retry(request.body, attempt, fromQueue, reason);
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
    const timer = setTimeout(() => {
      this.#waiting.delete(timer);
      this.#send(body, attempt + 1, fromQueue);
    }, delay);
    this.#waiting.set(timer, { body, fromQueue });
  }

  /**
   * Puts a body in the offline queue, or drops it (counted) when there is none. The reason only
   * reaches a warning without a queue, so calls that need a queue to be here (the unload) give none.
   */
  #park(body: string, fromQueue: boolean, reason = 'page unloading'): void {
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
