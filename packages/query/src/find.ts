/**
 * `wideline find`: traces of a service in a time window whose spans match `--where` filters. Jaeger's
 * v3 HTTP search ignores attribute filters, so Jaeger returns the most recent traces of the service
 * (up to the search depth) and the filters run here, on whole traces.
 *
 * @module
 */
import { matchesWhere, type WhereClause } from './format.ts';
import { TraceGraph } from './graph.ts';
import type { Span } from './span.ts';

/** One line of `find` output. */
export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  startUs: number;
  durationUs: number;
  spans: number;
  errors: number;
  services: string[];
}

/** Filters for {@link findTraces}. */
export interface FindFilter {
  service: string;
  where: readonly WhereClause[];
  /** Only traces with at least one ERROR span. */
  errorsOnly: boolean;
  limit: number;
}

/** True when one span of `service` satisfies all clauses (Jaeger's own tag-search semantics). */
export function traceMatches(spans: readonly Span[], filter: FindFilter): boolean {
  if (filter.errorsOnly && !spans.some((s) => s.status.code === 'ERROR')) return false;
  if (filter.where.length === 0) return true;
  return spans.some((s) => s.service === filter.service && matchesWhere(s, filter.where));
}

/** Summarises one trace for listing. */
export function summarize(spans: readonly Span[]): TraceSummary {
  const graph = TraceGraph.fromSpans(spans);
  return {
    traceId: graph.traceId,
    rootService: graph.root.span.service,
    rootName: graph.root.span.name,
    startUs: graph.startUs,
    durationUs: graph.durationUs,
    spans: graph.size,
    errors: graph.errors().length,
    services: graph.services,
  };
}

/** The matching traces, most recent first, at most `filter.limit`. */
export function findTraces(traces: ReadonlyMap<string, Span[]>, filter: FindFilter): TraceSummary[] {
  const out: TraceSummary[] = [];
  for (const spans of traces.values()) if (traceMatches(spans, filter)) out.push(summarize(spans));
  return out.sort((a, b) => b.startUs - a.startUs).slice(0, filter.limit);
}
