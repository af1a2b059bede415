/**
 * OTLP/HTTP JSON over the Workers `fetch`, with per-invocation I/O. The shared export pipeline may
 * drain from any invocation (whichever flushed first, or a timer); if that drain did network I/O,
 * other invocations would wait on a promise settled by a foreign request's I/O, which workerd queues
 * across contexts and drops when that request ends. So `export()` only serialises into a bounded
 * outbox, and {@link OutboxSpanExporter.send} — called by each invocation under its own `waitUntil` —
 * posts what is waiting from the invocation's own context.
 *
 * One POST per invocation is the costliest part of tracing a Worker (in Node, measured: ~300 µs of
 * CPU for a 3 KB body, more than the spans themselves). So {@link OutboxSpanExporter.sendWhenDue}
 * lets the outbox gather for `delayMs` from its oldest entry: every invocation still waits, under
 * its own `waitUntil`, on its own timer and then sends what is waiting, so its spans leave at most
 * `delayMs` after it ended even if no other request comes; when several invocations end within the
 * window, the first to wake sends them all in one request and the others find the outbox empty.
 * None of them waits on a promise of another request.
 *
 * The OpenTelemetry HTTP exporter's browser build expects XHR or `sendBeacon` and carries retry
 * machinery a Worker cannot use; core's OTLP/JSON encoder (`encodeResourceSpans` / `joinResourceSpans`) plus `fetch` is all
 * that is needed, and keeps the bundle small.
 *
 * @module
 */
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  createWarnOnce,
  EXPORT_FAILED,
  EXPORT_SUCCESS,
  encodeResourceSpans,
  joinResourceSpans,
  type WarningHandler,
} from '@wideline/core/sdk';

// Taken when this module is evaluated, before any request: other SDKs (Sentry's fetch integration,
// our own outgoing instrumentation) wrap the global later, and export requests must reach neither.
const nativeFetch: typeof fetch = globalThis.fetch.bind(globalThis);
const utf8 = new TextEncoder();

/** Options for {@link OutboxSpanExporter}. */
export interface OutboxSpanExporterOptions {
  /** Full OTLP traces URL, e.g. `http://localhost:4318/v1/traces`. */
  url: string;
  /**
   * The transport. Default: the global `fetch` as it was when this module loaded, before any
   * wrapping. A service binding's `fetch` sends spans to a collector Worker.
   */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Extra request headers (authentication). */
  headers?: Record<string, string>;
  /** Each request is aborted after this many ms. Default 2000. */
  timeoutMs?: number;
  /** Serialised bytes waiting to be sent; past this, new batches are dropped and counted. Default 4 MiB. */
  maxOutboxBytes?: number;
  /** Receives one warning per kind of trouble. Default `console.warn`. */
  onWarning?: WarningHandler | undefined;
  /**
   * How long {@link OutboxSpanExporter.sendWhenDue} lets spans wait for other invocations' spans, from
   * the oldest waiting batch, before posting them together. `0` posts once per invocation.
   * Default 100.
   */
  delayMs?: number | undefined;
}

/** Past this many waiting bytes, {@link OutboxSpanExporter.sendWhenDue} posts without waiting. */
const SEND_NOW_BYTES = 256 * 1024;

/** Counters of {@link OutboxSpanExporter}. */
export interface OutboxExportStats {
  requestsSent: number;
  /** Requests that failed (refused, timed out, non-2xx), retries included. */
  requestsFailed: number;
  /** Failed requests sent again (once each, from the same invocation). */
  requestsRetried: number;
  batchesDroppedOutboxFull: number;
  /** Spans the collector accepted. */
  spansSent: number;
  /** Spans given up on: their request failed twice, or the outbox was full. */
  spansDropped: number;
  /** The part of `spansDropped` that the full outbox refused (`export()` reported those as failed). */
  spansDroppedOutboxFull: number;
  /** Spans taken by `export()` and not yet accepted or given up on: in the outbox or in flight. */
  spansWaiting: number;
}

/** One serialised batch waiting in the outbox, and how many spans it holds. */
interface Entry {
  members: string;
  spans: number;
}

/** A failed request is sent once more after this long (a collector that was busy, restarting). */
const RETRY_DELAY_MS = 250;

/**
 * Serialises spans on `export()`, sends them on {@link send}, from the invocation that calls it. Never
 * throws; failed, refused or timed-out requests are retried once, counted and warned about once.
 *
 * Not core's `FetchSpanExporter` (`@wideline/core/sdk`), which POSTs inside `export()` and so does I/O
 * from whichever invocation drained the pipeline — unsafe in workerd (see the module doc). This one
 * is for a Worker's own pipeline; elsewhere use core's. Side by side: docs/exporters.md.
 *
 * @example
 * const exporter = new OutboxSpanExporter({ url: 'http://localhost:4318/v1/traces', timeoutMs: 1000 });
 * ctx.waitUntil(tracing.forceFlush().then(() => exporter.sendWhenDue()));
 */
export class OutboxSpanExporter implements SpanExporter {
  readonly #url: string;
  readonly #fetch: (url: string, init: RequestInit) => Promise<Response>;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #maxOutboxBytes: number;
  readonly #warnOnce: (key: string, message: string) => void;
  /** Serialised batches: each the inside of an OTLP `resourceSpans` array. */
  #outbox: Entry[] = [];
  #outboxBytes = 0;
  /** `Date.now()` when the oldest waiting batch was serialised. */
  #oldest = 0;
  /** Counts the outboxes taken by {@link send}. */
  #generation = 0;
  readonly #delayMs: number;
  #shutdown = false;
  readonly #stats: OutboxExportStats = {
    requestsSent: 0,
    requestsFailed: 0,
    requestsRetried: 0,
    batchesDroppedOutboxFull: 0,
    spansSent: 0,
    spansDropped: 0,
    spansDroppedOutboxFull: 0,
    spansWaiting: 0,
  };

  constructor(options: OutboxSpanExporterOptions) {
    this.#url = options.url;
    this.#fetch = options.fetch ?? nativeFetch;
    this.#headers = { ...options.headers, 'content-type': 'application/json' };
    this.#timeoutMs = options.timeoutMs ?? 2000;
    this.#maxOutboxBytes = options.maxOutboxBytes ?? 4 * 1024 * 1024;
    this.#warnOnce = createWarnOnce(options.onWarning);
    this.#delayMs = Math.max(0, options.delayMs ?? 100);
  }

  /** A snapshot of the counters. */
  stats(): OutboxExportStats {
    return { ...this.#stats };
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: EXPORT_FAILED, error: new Error('exporter is shut down') });
      return;
    }
    // Kept as the members of its `resourceSpans` array, so that batches of several invocations can
    // be joined into one OTLP request without parsing them again.
    let members: string;
    try {
      members = encodeResourceSpans(spans);
    } catch {
      resultCallback({ code: EXPORT_FAILED, error: new Error('spans could not be serialised') });
      return;
    }
    if (members.length === 0) {
      resultCallback({ code: EXPORT_SUCCESS });
      return;
    }
    // String length counts UTF-16 units: bytes for the ASCII that span data mostly is.
    if (this.#outboxBytes + members.length > this.#maxOutboxBytes) {
      this.#stats.batchesDroppedOutboxFull++;
      this.#stats.spansDropped += spans.length;
      this.#stats.spansDroppedOutboxFull += spans.length;
      this.#warnOnce('outbox-full', `[wideline] export outbox full (${this.#maxOutboxBytes} bytes); dropping spans`);
      resultCallback({ code: EXPORT_FAILED, error: new Error('outbox full') });
      return;
    }
    if (this.#outbox.length === 0) this.#oldest = Date.now();
    this.#outbox.push({ members, spans: spans.length });
    this.#outboxBytes += members.length;
    this.#stats.spansWaiting += spans.length;
    resultCallback({ code: EXPORT_SUCCESS });
  }

  /**
   * Waits (on the caller's own timer) until the oldest waiting batch is `delayMs` old, then posts
   * everything waiting, from the calling invocation's context. Sends nothing when another
   * invocation has already sent the outbox the caller's batch was in; never rejects.
   *
   * @example
   * ctx.waitUntil(tracing.forceFlush().then(() => exporter.sendWhenDue()));
   */
  async sendWhenDue(): Promise<void> {
    if (this.#outbox.length === 0) return;
    // The outbox this invocation's batch is in. If another invocation has sent it by the time this
    // one wakes, there is nothing of this invocation's left to send: newer batches wait for their
    // own invocations, so that they too leave together rather than one by one.
    const generation = this.#generation;
    const wait = this.#delayMs - (Date.now() - this.#oldest);
    if (wait > 0 && this.#outboxBytes < SEND_NOW_BYTES) await new Promise((resolve) => setTimeout(resolve, wait));
    if (this.#generation === generation) await this.send();
  }

  /**
   * Posts everything waiting now, from the calling invocation's context. Resolves when done (or failed,
   * or timed out); never rejects.
   */
  async send(): Promise<void> {
    const waiting = this.#outbox;
    this.#outbox = [];
    this.#generation++;
    this.#outboxBytes = 0;
    // As few requests as possible, none much over SEND_NOW_BYTES.
    const bodies: Entry[] = [];
    let current: string[] = [];
    let size = 0;
    let spans = 0;
    for (const entry of waiting) {
      if (size > 0 && size + entry.members.length > SEND_NOW_BYTES) {
        bodies.push({ members: joinResourceSpans(current), spans });
        current = [];
        size = 0;
        spans = 0;
      }
      current.push(entry.members);
      size += entry.members.length;
      spans += entry.spans;
    }
    if (current.length > 0) bodies.push({ members: joinResourceSpans(current), spans });
    await Promise.all(bodies.map((body) => this.#deliver(utf8.encode(body.members), body.spans)));
  }

  /**
   * Posts one body; a failure is retried once, from this invocation, after a short pause (the OTLP
   * exporters' retry, cut to what `waitUntil` allows). Spans still not delivered are counted.
   */
  async #deliver(body: Uint8Array, spans: number): Promise<void> {
    let delivered = await this.#post(body);
    if (!delivered) {
      this.#stats.requestsRetried++;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
      delivered = await this.#post(body);
    }
    this.#stats.spansWaiting -= spans;
    if (delivered) this.#stats.spansSent += spans;
    else this.#stats.spansDropped += spans;
  }

  /** One POST; true when the collector took it. Never throws. */
  async #post(body: Uint8Array): Promise<boolean> {
    try {
      const response = await this.#fetch(this.#url, {
        method: 'POST',
        headers: this.#headers,
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      // The body must be consumed or cancelled, or the Workers runtime keeps the connection open.
      // A collector's answer is a few bytes (an empty partial-success object): reading it is cheaper
      // than cancelling, which aborts the connection's stream (and, in Node, builds an AbortError).
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        this.#stats.requestsSent++;
        return true;
      }
      this.#fail(`collector answered ${response.status}`);
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error));
    }
    return false;
  }

  #fail(reason: string): void {
    this.#stats.requestsFailed++;
    this.#warnOnce(
      'export-failed',
      `[wideline] span export failed (${reason}); retried once, then its spans are dropped and counted`,
    );
  }

  forceFlush(): Promise<void> {
    return this.send();
  }

  async shutdown(): Promise<void> {
    await this.send();
    this.#shutdown = true;
  }
}
