/**
 * Turns Jaeger's two answer formats into {@link Span}s: OTLP-JSON (`/api/v3/traces`) and the legacy
 * Jaeger-JSON (`/api/traces`). Both parsers tolerate missing fields: a half-written span is shown, not
 * thrown.
 *
 * @module
 */
import type { Attributes, AttributeValue, Span, SpanEvent, SpanLink, StatusCode } from './span.ts';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number | string;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpValue;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number | string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number | string; message?: string };
  events?: Array<{ name?: string; timeUnixNano?: string | number; attributes?: OtlpKeyValue[] }>;
  links?: Array<{ traceId?: string; spanId?: string; attributes?: OtlpKeyValue[] }>;
}
/** The body of `/api/v3/traces[/{id}]`. */
export interface OtlpTracesBody {
  result?: {
    resourceSpans?: Array<{
      resource?: { attributes?: OtlpKeyValue[] };
      scopeSpans?: Array<{ spans?: OtlpSpan[] }>;
    }>;
  };
}

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function otlpValue(v: OtlpValue | undefined): AttributeValue {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return Number(v.doubleValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(otlpValue);
  if (v.kvlistValue) return JSON.stringify(otlpAttributes(v.kvlistValue.values));
  return v.bytesValue;
}

function otlpAttributes(list: OtlpKeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  if (list === undefined) return out;
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    out[a.key] = otlpValue(a.value);
  }
  return out;
}

/** Nanoseconds (decimal string) to microseconds without going through a lossy double of the ns value. */
function nanosToMicros(ns: string | number | undefined): number {
  if (ns === undefined) return 0;
  const s = typeof ns === 'string' ? ns : String(ns);
  return s.length > 3 ? Number(s.slice(0, -3)) : 0;
}

function otlpKind(kind: number | string | undefined): string {
  if (typeof kind === 'number') return KINDS[kind] ?? 'unspecified';
  if (typeof kind === 'string') return kind.replace(/^SPAN_KIND_/, '').toLowerCase() || 'unspecified';
  return 'unspecified';
}

function otlpStatus(code: number | string | undefined): StatusCode {
  if (code === 2 || code === 'STATUS_CODE_ERROR' || code === 'ERROR') return 'ERROR';
  if (code === 1 || code === 'STATUS_CODE_OK' || code === 'OK') return 'OK';
  return 'UNSET';
}

function otlpEvent(e: NonNullable<OtlpSpan['events']>[number]): SpanEvent {
  return { name: e.name ?? '', timeUs: nanosToMicros(e.timeUnixNano), attributes: otlpAttributes(e.attributes) };
}

function otlpLink(l: NonNullable<OtlpSpan['links']>[number]): SpanLink {
  return {
    traceId: (l.traceId ?? '').toLowerCase(),
    spanId: (l.spanId ?? '').toLowerCase(),
    attributes: otlpAttributes(l.attributes),
  };
}

/**
 * Flattens an OTLP-JSON answer (one or many traces) into spans. One pass, and no work for what a span
 * lacks (most have no events or links): it runs once per span of a 10,000-span trace, in a fresh process.
 */
export function spansFromOtlp(body: OtlpTracesBody): Span[] {
  const spans: Span[] = [];
  for (const rs of body.result?.resourceSpans ?? []) {
    const resource = otlpAttributes(rs.resource?.attributes);
    const service = String(resource['service.name'] ?? 'unknown_service');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const { events, links, status } = s;
        spans.push({
          traceId: s.traceId === undefined ? '' : s.traceId.toLowerCase(),
          spanId: s.spanId === undefined ? '' : s.spanId.toLowerCase(),
          parentSpanId: s.parentSpanId ? s.parentSpanId.toLowerCase() : undefined,
          name: s.name ?? '',
          kind: otlpKind(s.kind),
          service,
          startUs: nanosToMicros(s.startTimeUnixNano),
          endUs: nanosToMicros(s.endTimeUnixNano),
          attributes: otlpAttributes(s.attributes),
          resource,
          status: status
            ? { code: otlpStatus(status.code), message: status.message || undefined }
            : { code: 'UNSET', message: undefined },
          events: events && events.length > 0 ? events.map(otlpEvent) : [],
          links: links && links.length > 0 ? links.map(otlpLink) : [],
        });
      }
    }
  }
  return spans;
}

interface JaegerTag {
  key: string;
  type?: string;
  value?: AttributeValue;
}
interface JaegerSpan {
  traceID?: string;
  spanID?: string;
  operationName?: string;
  references?: Array<{ refType?: string; traceID?: string; spanID?: string }>;
  startTime?: number;
  duration?: number;
  tags?: JaegerTag[];
  logs?: Array<{ timestamp?: number; fields?: JaegerTag[] }>;
  processID?: string;
}
/** The body of the legacy `/api/traces[/{id}]`. */
export interface JaegerTracesBody {
  data?: Array<{
    spans?: JaegerSpan[];
    processes?: Record<string, { serviceName?: string; tags?: JaegerTag[] }>;
  }> | null;
  errors?: Array<{ code?: number; msg?: string }> | null;
}

/** Tags the legacy API synthesises from OTLP fields; they are folded back into kind and status. */
const SYNTHETIC_TAGS = new Set(['span.kind', 'otel.status_code', 'otel.status_description', 'error']);

function jaegerTags(tags: JaegerTag[] | undefined): Attributes {
  const out: Attributes = {};
  for (const t of tags ?? []) out[t.key] = t.value;
  return out;
}

function legacySpan(s: JaegerSpan, processes: Record<string, { serviceName?: string; tags?: JaegerTag[] }>): Span {
  const tags = jaegerTags(s.tags);
  const attributes: Attributes = {};
  for (const [k, v] of Object.entries(tags)) if (!SYNTHETIC_TAGS.has(k)) attributes[k] = v;
  const process = processes[s.processID ?? ''];
  const statusTag = tags['otel.status_code'];
  const code: StatusCode = statusTag === 'ERROR' || tags.error === true ? 'ERROR' : statusTag === 'OK' ? 'OK' : 'UNSET';
  const refs = s.references ?? [];
  // Jaeger's own UI takes the first CHILD_OF reference as the parent, or the first reference when none is.
  const parentRef = refs.find((r) => r.refType === 'CHILD_OF') ?? refs[0];
  const startUs = s.startTime ?? 0;
  const description = tags['otel.status_description'];
  return {
    traceId: (s.traceID ?? '').padStart(32, '0'),
    spanId: (s.spanID ?? '').padStart(16, '0'),
    parentSpanId: parentRef?.spanID?.padStart(16, '0'),
    name: s.operationName ?? '',
    kind: typeof tags['span.kind'] === 'string' ? tags['span.kind'] : 'unspecified',
    service: process?.serviceName ?? 'unknown_service',
    startUs,
    endUs: startUs + (s.duration ?? 0),
    attributes,
    resource: { 'service.name': process?.serviceName, ...jaegerTags(process?.tags) },
    status: { code, message: typeof description === 'string' ? description : undefined },
    events: (s.logs ?? []).map((log) => {
      const fields = jaegerTags(log.fields);
      const { event, ...rest } = fields;
      return { name: typeof event === 'string' ? event : 'log', timeUs: log.timestamp ?? 0, attributes: rest };
    }),
    links: refs
      .filter((r) => r !== parentRef)
      .map((r) => ({
        traceId: (r.traceID ?? '').padStart(32, '0'),
        spanId: (r.spanID ?? '').padStart(16, '0'),
        attributes: {},
      })),
  };
}

/** Flattens a legacy Jaeger-JSON answer (one or many traces) into spans. */
export function spansFromLegacy(body: JaegerTracesBody): Span[] {
  const spans: Span[] = [];
  for (const t of body.data ?? []) {
    const processes = t.processes ?? {};
    for (const s of t.spans ?? []) spans.push(legacySpan(s, processes));
  }
  return spans;
}
