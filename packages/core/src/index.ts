/**
 * `@wideline/core`: the runtime-agnostic heart of Wideline. Runtime packages (`@wideline/worker`,
 * `@wideline/browser`, `@wideline/bullmq`) adapt it; apps rarely need more than `createTracing`,
 * `wideEvent` and `linkSentry`.
 *
 * @module
 */
export { type BaggageMember, formatBaggage, parseBaggage } from './baggage';
export {
  type EnvRecord,
  parseKeyValueList,
  type ResolvedConfig,
  resolveConfig,
  WidelineConfigError,
  type WidelineOptions,
} from './config';
export {
  jaegerTraceUrl,
  LINK_TYPE_ATTRIBUTE,
  LINK_TYPES,
  SAGA,
  SAMPLE_RATE_ATTRIBUTE,
  SAMPLING_REASON_ATTRIBUTE,
} from './conventions';
export { answerTraceresponse, followTraceresponse, type TailDecisions } from './cross-hop';
export { BatchExportProcessor, type BatchOptions, type ExportStats } from './export-processor';
export { FetchSpanExporter, type FetchSpanExporterOptions } from './fetch-exporter';
export { LocalRootProcessor, localRootOf } from './local-root';
export { createLogger, type Logger, type LoggerOptions, type LogLevel, type SentryLikeSink } from './logger';
export {
  attachTraceContext,
  MESSAGE_CONTEXT_KEY,
  type MessageTraceFields,
  readTraceContext,
  stripTraceContext,
} from './message-context';
export { encodeResourceSpans, encodeSpans, joinResourceSpans } from './otlp-json';
export { headersGetter, remoteContext, remoteSpanContext, W3CPropagator } from './propagation';
export {
  createRedactor,
  DEFAULT_DENIED_NAMES,
  REDACTED,
  type RedactionOptions,
  type RedactionPattern,
  type Redactor,
} from './redact';
export { RedactingExporter, redactSpan } from './redacting-exporter';
export {
  type HeadSamplingOptions,
  type HeadSamplingRule,
  headSampler,
  traceIdRatio,
} from './sampling';
export {
  linkSentry,
  type SentryEventLike,
  type SentryEventProcessorHost,
  type SentryLinkOptions,
  stampSentryEvent,
} from './sentry';
export { type SentryHeaderOptions, sentryTraceHeaders } from './sentry-headers';
export {
  type TailReason,
  type TailSamplingOptions,
  TailSamplingProcessor,
  type TailStats,
  type TailUnit,
} from './tail-sampling';
export {
  formatTraceparent,
  formatTraceresponse,
  type HeaderValue,
  parseTraceparent,
  parseTraceresponse,
  RANDOM_TRACE_FLAG,
  type TraceParent,
} from './traceparent';
export { WidelineTracerProvider } from './tracer-provider';
export { parseTracestate, W3CTraceState } from './tracestate';
export { createTracing, type TracingRuntime, type WidelineTracing } from './tracing';
export { createWarnOnce, type WarningHandler } from './warn-once';
export { type WideEvent, wideEvent } from './wide-event';
export { type LineSink, WideEventLogProcessor, wideEventRecord } from './wide-event-log';
