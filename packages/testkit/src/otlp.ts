/**
 * Writes spans straight to a collector over OTLP/HTTP JSON — for tests of the store itself (what
 * Jaeger keeps, for how long), where no SDK is under test.
 */
import { randomBytes } from 'node:crypto';

/** A span to write; ids are random unless given. */
export interface SpanToWrite {
  service: string;
  name: string;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  /** Start, ms since the epoch. Default: now. */
  startMs?: number;
  /** Default 10. */
  durationMs?: number;
  attributes?: Record<string, string | number | boolean>;
  links?: Array<{ traceId: string; spanId: string; attributes?: Record<string, string> }>;
}

export const randomTraceId = (): string => randomBytes(16).toString('hex');
export const randomSpanId = (): string => randomBytes(8).toString('hex');

function otlpValue(v: string | number | boolean) {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

const otlpAttributes = (attributes: Record<string, string | number | boolean> = {}) =>
  Object.entries(attributes).map(([key, value]) => ({ key, value: otlpValue(value) }));

/**
 * POSTs the spans to `${otlpUrl}/v1/traces` (one resource per service) and resolves with them, ids
 * filled in. Throws with the collector's answer when it is not 2xx.
 * @example
 * const [root] = await writeSpans(OTLP_URL, [{ service: 'checkout', name: 'GET /' }]);
 * await waitForTrace(root.traceId, 1);
 */
export async function writeSpans(
  otlpUrl: string,
  spans: SpanToWrite[],
): Promise<Array<SpanToWrite & { traceId: string; spanId: string }>> {
  const filled = spans.map((s) => ({
    ...s,
    traceId: s.traceId ?? randomTraceId(),
    spanId: s.spanId ?? randomSpanId(),
  }));
  const byService = new Map<string, object[]>();
  for (const s of filled) {
    const startNs = BigInt(Math.round((s.startMs ?? Date.now()) * 1000)) * 1000n;
    const endNs = startNs + BigInt(Math.round((s.durationMs ?? 10) * 1000)) * 1000n;
    const span = {
      traceId: s.traceId,
      spanId: s.spanId,
      ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
      name: s.name,
      kind: 1,
      startTimeUnixNano: String(startNs),
      endTimeUnixNano: String(endNs),
      attributes: otlpAttributes(s.attributes),
      links: (s.links ?? []).map((l) => ({
        traceId: l.traceId,
        spanId: l.spanId,
        attributes: otlpAttributes(l.attributes),
      })),
      status: {},
    };
    byService.set(s.service, [...(byService.get(s.service) ?? []), span]);
  }
  const body = {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: otlpAttributes({ 'service.name': service }) },
      scopeSpans: [{ scope: { name: '@wideline/testkit' }, spans: list }],
    })),
  };
  const res = await fetch(`${otlpUrl.replace(/\/$/, '')}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`OTLP receiver at ${otlpUrl} answered ${res.status}: ${await res.text()}`);
  return filled;
}
