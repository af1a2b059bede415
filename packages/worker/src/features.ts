/**
 * The optional parts of the Worker pipeline as imports: pass the ones you use in `features`, and only
 * those are in your Worker's bundle (a hello-world Worker carries neither). A feature only supplies
 * the code; its option switches the part on, with the name, type and default it has in every runtime
 * — `sampling.tail` and `wideEventLog`, read by core's `resolveConfig`, both off unless set. Setting
 * one of those options without its feature throws `WidelineConfigError` on the first invocation,
 * naming the import.
 *
 * @example
 * import { instrument, tailSampling } from '@wideline/worker';
 *
 * export default instrument(
 *   { fetch: () => new Response('ok') },
 *   { serviceName: 'edge-api', sampling: { tail: { slowMs: 500 } }, features: [tailSampling()] },
 * );
 * @module
 */
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  type BatchExportProcessor,
  type LineSink,
  type Redactor,
  type TailSamplingOptions,
  TailSamplingProcessor,
  WideEventLogProcessor,
} from '@wideline/core/sdk';

/** The pipeline parts features supply; each is absent unless a feature sets it. */
export interface WorkerParts {
  /** Builds the tail sampler around the batch processor (the `tailSampling()` feature). */
  tailSampler?: (batch: BatchExportProcessor, options: TailSamplingOptions) => TailSamplingProcessor;
  /** Builds the wide-event log processor (the `wideEventLog()` feature). */
  wideEventLog?: (sink: LineSink, redactor: Redactor | undefined) => SpanProcessor;
}

/** One optional part of the Worker pipeline, for `features`. */
export interface WorkerFeature {
  /** A short name, e.g. `tail-sampling`. */
  readonly name: string;
  /** Contributes its part; runs once per isolate, before the pipeline is built. */
  setup(parts: WorkerParts): void;
}

/**
 * Tail sampling: each unit of work is decided when it ends (kept if it failed, was slow, `keep` says
 * so, a callee kept it, else by `probability`), and `traceresponse` carries the decision. On when
 * `sampling.tail` is set (`{}` takes core's defaults: `slowMs` 1000, `probability` 0.1); off when it
 * is unset or `false`, as in every runtime.
 */
export function tailSampling(): WorkerFeature {
  return {
    name: 'tail-sampling',
    setup: (parts) => {
      parts.tailSampler = (batch, options) => new TailSamplingProcessor(batch, options);
    },
  };
}

/**
 * One JSON line per unit of work (its local root span, redacted like the export): on with
 * `wideEventLog: true` (to `console.log`) or a sink; off when it is unset or `false`, as in every
 * runtime.
 *
 * @example
 * import { instrument, wideEventLog } from '@wideline/worker';
 *
 * export default instrument(
 *   { fetch: () => new Response('ok') },
 *   { serviceName: 'edge-api', wideEventLog: true, features: [wideEventLog()] },
 * );
 */
export function wideEventLog(): WorkerFeature {
  return {
    name: 'wide-event-log',
    setup: (parts) => {
      parts.wideEventLog = (sink, redactor) => new WideEventLogProcessor({ sink, ...(redactor ? { redactor } : {}) });
    },
  };
}
