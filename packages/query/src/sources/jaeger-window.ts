/**
 * Loads a time window from the Jaeger users already run into the embedded engine. Jaeger's search
 * (`/api/v3/traces`) needs a service and returns at most `depth` traces, most recent first, so each
 * service is searched on its own and a service whose search came back full is reported as truncated:
 * its events reach back only to the oldest trace returned, not to the start of the window.
 *
 * @module
 */
import type { ChdbEngine } from '../engine/chdb-engine.ts';
import { formatDuration } from '../format.ts';
import type { JaegerClient } from '../jaeger-client.ts';
import type { TimeWindow } from '../model/query.ts';

/** How one service's search went. */
export interface ServiceScan {
  service: string;
  /** Traces Jaeger returned. */
  traces: number;
  /** True when Jaeger returned `depth` traces: older ones in the window were not read. */
  truncated: boolean;
  /** The oldest span start among them, µs. */
  oldestStartUs: number | undefined;
}

/** What was read from Jaeger. */
export interface JaegerScan {
  depth: number;
  window: TimeWindow;
  services: ServiceScan[];
}

/** Options for {@link loadJaegerWindow}. */
export interface JaegerWindowOptions {
  /** Services to search; all services Jaeger knows when absent. */
  services?: readonly string[];
  window: TimeWindow;
  /** Traces per service search (Jaeger's search depth). */
  depth: number;
  /** Searches in flight at once. Default 4. */
  concurrency?: number;
}

/** Searches Jaeger service by service and loads every answer into `engine`. */
export async function loadJaegerWindow(
  engine: ChdbEngine,
  jaeger: JaegerClient,
  options: JaegerWindowOptions,
): Promise<JaegerScan> {
  const services = options.services ?? (await jaeger.services()).filter((s) => s !== 'jaeger');
  const scans: ServiceScan[] = [];
  const queue = [...services];
  // Fetches run in parallel; loads go into the engine one at a time, in the order they arrive.
  let loading = Promise.resolve();
  const worker = async () => {
    for (let service = queue.shift(); service !== undefined; service = queue.shift()) {
      const found = await jaeger.searchTracesBody({
        service,
        startMinUs: options.window.fromUs,
        startMaxUs: options.window.toUs,
        limit: options.depth,
      });
      const name = service;
      loading = loading.then(async () => {
        if (found.api === 'legacy') {
          await engine.loadSpans(found.spans);
          const traces = new Set(found.spans.map((s) => s.traceId)).size;
          const oldest = found.spans.reduce((m, s) => Math.min(m, s.startUs), Number.POSITIVE_INFINITY);
          scans.push(scan(name, traces, Number.isFinite(oldest) ? oldest : undefined, options.depth));
        } else if (found.body === undefined) {
          scans.push(scan(name, 0, undefined, options.depth));
        } else {
          const loaded = await engine.loadOtlpBody(found.body);
          scans.push(scan(name, loaded.traces, loaded.oldestStartUs, options.depth));
        }
      });
      await loading;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, services.length) }, worker));
  await loading;
  scans.sort((a, b) => a.service.localeCompare(b.service));
  return { depth: options.depth, window: options.window, services: scans };
}

function scan(service: string, traces: number, oldestStartUs: number | undefined, depth: number): ServiceScan {
  return { service, traces, truncated: traces >= depth, oldestStartUs };
}

/**
 * Plain sentences about truncation, one per truncated service (none when the window was read whole).
 * `asked` is the window as the user wrote it (`15m`).
 */
export function truncationNotes(result: JaegerScan, nowUs: number, asked: string): string[] {
  return result.services
    .filter((s) => s.truncated)
    .map((s) => {
      const reach =
        s.oldestStartUs === undefined
          ? ''
          : ` (the oldest trace read starts ${formatDuration(Math.max(0, nowUs - s.oldestStartUs))} ago)`;
      return `Jaeger's search depth truncated the window for ${s.service}: ${s.traces} traces scanned, the --depth limit, so the results cover only part of the ${asked} asked${reach}; raise --depth, narrow --since, or query ClickHouse (--clickhouse), which has no limit.`;
    });
}
