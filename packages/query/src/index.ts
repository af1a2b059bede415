/**
 * @wideline/query: read traces back from Jaeger, build them into a graph, explain them.
 *
 * @example
 * import { JaegerClient, TraceGraph } from '@wideline/query';
 *
 * const { spans } = await new JaegerClient({ url: 'http://localhost:16686' }).getTrace(traceId);
 * const graph = TraceGraph.fromSpans(spans);
 * console.log(graph.firstFailure()?.span.name, graph.compensations().map((c) => c.undoesStep));
 * @module
 */
export { type CriticalSegment, criticalPath } from './critical-path.ts';
export {
  JaegerResponseError,
  JaegerUnreachableError,
  MalformedTraceIdError,
  TraceNotFoundError,
  UsageError,
  WidelineQueryError,
} from './errors.ts';
export { type FindFilter, findTraces, type TraceSummary } from './find.ts';
export { formatDuration, parseDuration, parseWhere, type WhereClause } from './format.ts';
export { type ResolvedLink, type SpanNode, TraceGraph } from './graph.ts';
export {
  type FetchedTrace,
  JaegerClient,
  type JaegerClientOptions,
  normalizeTraceId,
  type TraceSearch,
} from './jaeger-client.ts';
export { spansFromLegacy, spansFromOtlp } from './otlp.ts';
export { type CliIo, runCli } from './run.ts';
export type { Compensation, SagaOutcome } from './saga.ts';
export type { ServiceTime } from './service-time.ts';
export {
  type Attributes,
  type AttributeValue,
  SAMPLE_RATE_ATTRIBUTE,
  type Span,
  type SpanEvent,
  type SpanLink,
} from './span.ts';
export { computeStats, type StatsGroup, type StatsQuery, weightedPercentile } from './stats.ts';
export { createStyle, type Style } from './style.ts';
export { renderWaterfall, type WaterfallOptions } from './waterfall.ts';
export { explainFailure, renderWhy, type WhyReport } from './why.ts';
