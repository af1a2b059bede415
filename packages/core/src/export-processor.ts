/**
 * The export end of the pipeline: a bounded batching span processor that never throws into the host
 * and counts everything it drops. It replaces the SDK's `BatchSpanProcessor` because Wideline needs
 * what that one keeps private: drop counters, a byte bound per batch (browsers' 64 KiB keepalive
 * budget), and a `forceFlush` that Workers can hand to `ctx.waitUntil`.
 *
 * @module
 */
import { context, TraceFlags } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { EXPORT_SUCCESS } from './export-result';
import { estimateSpanBytes } from './span-view';
import { createWarnOnce, type WarningHandler } from './warn-once';

/** Bounds and timing of the export pipeline. */
export interface BatchOptions {
  /** Spans waiting for export; more are dropped and counted. Default 2048. */
  maxQueueSize?: number;
  /** Spans per export request. Default 512. */
  maxExportBatchSize?: number;
  /**
   * Estimated bytes per export request. Default: no byte bound (batches are bounded by count, memory
   * by `maxQueueSize`). Set it where the transport limits bodies, as `@wideline/browser` does for the
   * 64 KiB `keepalive` budget; estimating costs CPU per span, so it is off unless asked for.
   */
  maxBatchBytes?: number;
  /**
   * Delay before a partial batch is sent. `Infinity`: no timer at all — partial batches wait for
   * `forceFlush`, for a host that flushes every unit of work itself (the Worker does, under each
   * invocation's `waitUntil`, so a timer there would be armed and cleared per request for nothing).
   * Default 1000 ms.
   */
  scheduledDelayMs?: number;
  /** An export taking longer is abandoned and its spans counted as dropped. Default 10 000 ms. */
  exportTimeoutMs?: number;
}

/** Counters of the export pipeline. */
export interface ExportStats {
  spansExported: number;
  spansDroppedQueueFull: number;
  spansDroppedExportFailed: number;
  exportFailures: number;
  queued: number;
}

/** Batches finished, sampled spans and hands them to `exporter`. */
export class BatchExportProcessor implements SpanProcessor {
  readonly #exporter: SpanExporter;
  readonly #maxQueueSize: number;
  readonly #maxBatch: number;
  readonly #maxBatchBytes: number;
  readonly #delayMs: number;
  readonly #timeoutMs: number;
  readonly #warnOnce: (key: string, message: string) => void;
  #queue: ReadableSpan[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #draining: Promise<void> | undefined;
  #shutdown: Promise<void> | undefined;
  readonly #stats: Omit<ExportStats, 'queued'> = {
    spansExported: 0,
    spansDroppedQueueFull: 0,
    spansDroppedExportFailed: 0,
    exportFailures: 0,
  };

  constructor(exporter: SpanExporter, options: BatchOptions & { onWarning?: WarningHandler } = {}) {
    this.#exporter = exporter;
    this.#maxQueueSize = options.maxQueueSize ?? 2048;
    this.#maxBatch = Math.min(options.maxExportBatchSize ?? 512, this.#maxQueueSize);
    this.#maxBatchBytes = options.maxBatchBytes ?? Number.POSITIVE_INFINITY;
    this.#delayMs = options.scheduledDelayMs ?? 1000;
    this.#timeoutMs = options.exportTimeoutMs ?? 10_000;
    this.#warnOnce = createWarnOnce(options.onWarning);
  }

  /** A snapshot of the counters. */
  stats(): ExportStats {
    return { ...this.#stats, queued: this.#queue.length };
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.#shutdown || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.#queue.length >= this.#maxQueueSize) {
      this.#stats.spansDroppedQueueFull++;
      this.#warnOnce(
        'queue-full',
        `[wideline] export queue full (${this.#maxQueueSize} spans); spans are dropped and counted`,
      );
      return;
    }
    this.#queue.push(span);
    if (this.#queue.length >= this.#maxBatch) void this.#drain();
    else this.#schedule();
  }

  /** Exports everything queued; resolves when done (or failed), never rejects. */
  forceFlush(): Promise<void> {
    this.#clearTimer();
    return this.#drain();
  }

  /** Flushes, then shuts the exporter down. Runs once; later calls return the same promise. */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.forceFlush().then(() => this.#exporter.shutdown().catch(() => undefined));
    return this.#shutdown;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#draining || this.#delayMs === Infinity) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#drain();
    }, this.#delayMs);
    // In Node, a pending flush must not keep the process alive.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #drain(): Promise<void> {
    this.#draining ??= (async () => {
      while (this.#queue.length > 0) await this.#exportBatch(this.#takeBatch());
    })().finally(() => {
      this.#draining = undefined;
      // A span that ended after the loop's last check, while `#draining` was still set, found no timer
      // to join (`#schedule` skips while draining): give it one now.
      if (this.#queue.length > 0) this.#schedule();
    });
    return this.#draining;
  }

  #takeBatch(): ReadableSpan[] {
    if (this.#maxBatchBytes === Number.POSITIVE_INFINITY) return this.#queue.splice(0, this.#maxBatch);
    let count = 0;
    let bytes = 0;
    while (count < this.#queue.length && count < this.#maxBatch) {
      const size = estimateSpanBytes(this.#queue[count] as ReadableSpan);
      if (count > 0 && bytes + size > this.#maxBatchBytes) break;
      bytes += size;
      count++;
    }
    return this.#queue.splice(0, count);
  }

  #exportBatch(batch: ReadableSpan[]): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      let timeout: ReturnType<typeof setTimeout> | undefined;
      const settle = (ok: boolean, reason?: string) => {
        if (settled) return;
        settled = true;
        if (timeout !== undefined) clearTimeout(timeout);
        if (ok) {
          this.#stats.spansExported += batch.length;
        } else {
          this.#stats.exportFailures++;
          this.#stats.spansDroppedExportFailed += batch.length;
          this.#warnOnce('export-failed', `[wideline] span export failed (${reason}); spans are dropped and counted`);
        }
        resolve();
      };
      try {
        // The exporter's own HTTP request must not be traced (it would feed itself).
        context.with(suppressTracing(context.active()), () => {
          this.#exporter.export(batch, (result) =>
            settle(result.code === EXPORT_SUCCESS, result.error?.message ?? 'collector refused'),
          );
        });
      } catch (error) {
        settle(false, error instanceof Error ? error.message : String(error));
      }
      // Exporters that only serialise (the Workers outbox) answer at once: no timer for them.
      if (settled) return;
      timeout = setTimeout(() => settle(false, `timed out after ${this.#timeoutMs} ms`), this.#timeoutMs);
      (timeout as { unref?: () => void }).unref?.();
    });
  }
}
