/** Reads traces back from Jaeger's query API (`/api/v3`, OTLP-JSON), polling until spans arrive. */
import { JAEGER_QUERY_URL } from './stack.ts';

type OtlpValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
};
type OtlpAttribute = { key: string; value: OtlpValue };

/** A span as read back from Jaeger, flattened. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number | string;
  service: string;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, unknown>;
  status: { code?: number | string; message?: string };
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, unknown> }>;
}

function value(v: OtlpValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  return undefined;
}

function attributes(list: OtlpAttribute[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, value(a.value)]));
}

interface RawSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number | string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpAttribute[];
  status?: { code?: number | string; message?: string };
  events?: Array<{ name: string; attributes?: OtlpAttribute[] }>;
  links?: Array<{ traceId: string; spanId: string; attributes?: OtlpAttribute[] }>;
}
interface V3Response {
  result?: {
    resourceSpans?: Array<{ resource?: { attributes?: OtlpAttribute[] }; scopeSpans?: Array<{ spans?: RawSpan[] }> }>;
  };
}

/** Flattens an `/api/v3/traces/{id}` answer. */
export function flattenOtlp(body: V3Response): StoredSpan[] {
  const spans: StoredSpan[] = [];
  for (const rs of body.result?.resourceSpans ?? []) {
    const service = String(attributes(rs.resource?.attributes)['service.name'] ?? '');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId || undefined,
          name: s.name,
          kind: s.kind,
          service,
          startNs: BigInt(s.startTimeUnixNano),
          endNs: BigInt(s.endTimeUnixNano),
          attributes: attributes(s.attributes),
          status: s.status ?? {},
          events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attributes(e.attributes) })),
          links: (s.links ?? []).map((l) => ({
            traceId: l.traceId,
            spanId: l.spanId,
            attributes: attributes(l.attributes),
          })),
        });
      }
    }
  }
  return spans;
}

/** Fetches a trace once; `[]` when Jaeger does not know it (yet). */
export async function fetchTrace(traceId: string, jaegerUrl = JAEGER_QUERY_URL): Promise<StoredSpan[]> {
  const res = await fetch(`${jaegerUrl}/api/v3/traces/${traceId}`);
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`Jaeger answered ${res.status} for trace ${traceId}: ${await res.text()}`);
  return flattenOtlp((await res.json()) as V3Response);
}

/**
 * Polls until the trace has at least `minSpans` spans (spans arrive after the collector's batch
 * delay), then returns them. Throws with what did arrive when the time is up. `jaegerUrl`: another
 * Jaeger than the stack's (a private stack).
 */
export async function waitForTrace(
  traceId: string,
  minSpans: number,
  timeoutMs = 15_000,
  jaegerUrl = JAEGER_QUERY_URL,
): Promise<StoredSpan[]> {
  const deadline = Date.now() + timeoutMs;
  let spans: StoredSpan[] = [];
  while (Date.now() < deadline) {
    spans = await fetchTrace(traceId, jaegerUrl);
    if (spans.length >= minSpans) return spans;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `trace ${traceId}: ${spans.length} of ${minSpans} spans arrived in Jaeger within ${timeoutMs} ms: ${spans.map((s) => s.name).join(', ')}`,
  );
}
