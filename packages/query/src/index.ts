/**
 * @wideline/query: read traces back from Jaeger, build them into a graph, explain them; and ask wide
 * events anything at query time — one query model, compiled to ClickHouse SQL for the embedded engine
 * (chDB) or for Jaeger's own ClickHouse tables.
 *
 * @example
 * import { JaegerClient, TraceGraph } from '@wideline/query';
 *
 * const { spans } = await new JaegerClient({ url: 'http://localhost:16686' }).getTrace(traceId);
 * const graph = TraceGraph.fromSpans(spans);
 * console.log(graph.firstFailure()?.span.name, graph.compensations().map((c) => c.undoesStep));
 * @module
 */
export { type AlertGroup, type AlertState, evaluateRule, exitCodeOf, type RuleResult } from './analysis/check.ts';
export { type CompareField, type Comparison, compareSelection, type Selection } from './analysis/compare.ts';
export { computeHeatmap, type Heatmap } from './analysis/heatmap.ts';
export { type GroupRegression, type MetricChange, regress, type Severity, THRESHOLDS } from './analysis/regress.ts';
export { type AlertSeverity, parseRules, type Rule } from './analysis/rules.ts';
export { type QueryResult, runQuery } from './analysis/run-query.ts';
export { type CriticalSegment, criticalPath } from './critical-path.ts';
export { ChdbEngine, type LoadPhase, type LoadSummary } from './engine/chdb-engine.ts';
export {
  ClickHouseEngine,
  type ClickHouseOptions,
  ClickHouseResponseError,
  type ClickHouseTransport,
  ClickHouseUnreachableError,
  openClickHouse,
} from './engine/clickhouse-engine.ts';
export {
  EngineUnavailableError,
  type QueryEngine,
  QueryEngineError,
  type ResultColumn,
  type ResultSet,
  type ViewName,
} from './engine/engine.ts';
export type { LoadPhaseName } from './engine/otlp-schema.ts';
export {
  JaegerResponseError,
  JaegerUnreachableError,
  MalformedTraceIdError,
  TraceNotFoundError,
  UsageError,
  WidelineQueryError,
} from './errors.ts';
export { type FindFilter, findTraces, type TraceSummary } from './find.ts';
export { formatDuration, parseDuration } from './format.ts';
export { type ResolvedLink, type SpanNode, TraceGraph } from './graph.ts';
export {
  type AttributeSearch,
  type FetchedTrace,
  JaegerClient,
  type JaegerClientOptions,
  normalizeTraceId,
  type TraceSearch,
} from './jaeger-client.ts';
export {
  type FollowOptions,
  followLinks,
  type JobAttempt,
  type JobAttempts,
  jobAttempts,
  type LinkedTrace,
} from './linked.ts';
export { type Aggregate, parseAggregates } from './model/aggregate.ts';
export { FIXED_FIELDS, type Field, FieldCatalog, type FieldType } from './model/fields.ts';
export { type Filter, parseFilter, parseWhereFilter } from './model/filter.ts';
export { DEFAULT_AGGREGATES, type QueryInput, type QuerySpec, querySpec, type TimeWindow } from './model/query.ts';
export { QuerySyntaxError } from './model/syntax-error.ts';
export { spansFromLegacy, spansFromOtlp } from './otlp.ts';
export { renderHeatmap } from './render/heatmap.ts';
export { type HtmlReport, htmlPage } from './render/html.ts';
export type { Compensation, SagaOutcome } from './saga.ts';
export type { ServiceTime } from './service-time.ts';
export { type JaegerScan, loadJaegerWindow, type ServiceScan, truncationNotes } from './sources/jaeger-window.ts';
export { loadOtlpFiles } from './sources/otlp-files.ts';
export {
  type Attributes,
  type AttributeValue,
  SAMPLE_RATE_ATTRIBUTE,
  type Span,
  type SpanEvent,
  type SpanLink,
} from './span.ts';
export { type CompiledQuery, compileQuery, type Relation } from './sql/compile.ts';
export { checkReadOnlySql } from './sql/guard.ts';
export { computeStats, type StatsGroup, type StatsQuery, weightedPercentile } from './stats.ts';
export { renderWaterfall, type WaterfallOptions } from './waterfall.ts';
export { explainFailure, renderWhy, type WhyReport } from './why.ts';
