/**
 * `@wideline/core/sdk`: the parts Wideline's runtime packages share — config resolution, the export
 * pipeline and its processors, OTLP/JSON encoding, the W3C Trace Context and Baggage parsers, the
 * redactor, the samplers, the Sentry event stamp. Apps rarely need them: `@wideline/core` holds what
 * an app uses. They are public (and semver-covered) for those who assemble their own runtime.
 *
 * @example
 * import { BatchExportProcessor, FetchSpanExporter } from '@wideline/core/sdk';
 *
 * const processor = new BatchExportProcessor(new FetchSpanExporter({ url: 'http://localhost:4318/v1/traces' }));
 * @module
 */
export { type BaggageMember, formatBaggage, parseBaggage } from './baggage';
export {
  configFromEnv,
  DEFAULT_EXPORT_TIMEOUT_MS,
  type EnvConfig,
  type EnvRecord,
  parseKeyValueList,
  type ResolvedConfig,
  type RuntimeDefaults,
  resolveConfig,
  resolveOptions,
} from './config';
export type { TailDecisions } from './cross-hop';
export { BatchExportProcessor, type BatchOptions, type ExportStats } from './export-processor';
export { EXPORT_FAILED, EXPORT_SUCCESS } from './export-result';
export { FetchSpanExporter, type FetchSpanExporterOptions } from './fetch-exporter';
export { httpSpanName } from './http-span-name';
export { LocalRootProcessor, localRootOf } from './local-root';
export type { LoggerOptions, LogLevel, SentryLikeSink } from './logger';
export { MESSAGE_CONTEXT_KEY, type MessageTraceFields, stripTraceContext } from './message-context';
export { encodeResourceSpans, encodeSpans, joinResourceSpans } from './otlp-json';
export { remoteSpanContext } from './propagation';
export { randomHex } from './random-ids';
export { asError, errorSpanContext } from './record-error';
export { createRedactor, type RedactionOptions, type Redactor } from './redact';
export { DEFAULT_DENIED_NAMES } from './redact-keys';
export { REDACTED, type RedactionPattern } from './redact-values';
export { RedactingExporter, redactSpan } from './redacting-exporter';
export { type HeadSamplingOptions, type HeadSamplingRule, headSampler, traceIdRatio } from './sampling';
export {
  type SentryEventLike,
  type SentryEventProcessorHost,
  type SentryLinkOptions,
  stampSentryEvent,
} from './sentry';
export type { SentryHeaderOptions } from './sentry-headers';
export { copySpan, type SpanOverlay } from './span-view';
export {
  type TailReason,
  type TailSamplingOptions,
  TailSamplingProcessor,
  type TailStats,
  type TailUnit,
} from './tail-sampling';
export { createTargetMatcher, type PropagateTo, type TargetMatcher } from './target-matcher';
export {
  formatTraceparent,
  formatTraceresponse,
  type HeaderValue,
  parseTraceparent,
  RANDOM_TRACE_FLAG,
  type TraceParent,
} from './traceparent';
export { type EarlyDrops, earlyDrops, registeredConfig, WidelineTracerProvider } from './tracer-provider';
export { parseTracestate, W3CTraceState } from './tracestate';
export { assembleTracing, type TracingParts } from './tracing';
export { createWarnOnce, type WarningHandler } from './warn-once';
export { type LineSink, WideEventLogProcessor, wideEventRecord } from './wide-event-log';
