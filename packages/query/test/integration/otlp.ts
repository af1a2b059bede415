/**
 * Builds OTLP-JSON export requests with a known structure and posts them straight to Jaeger's OTLP
 * receiver, so the integration tests know exactly what the CLI should find.
 */
import { randomBytes } from 'node:crypto';
import { OTLP_URL } from '@wideline/testkit';

type Value = string | number | boolean;

export interface FixtureSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  service: string;
  name: string;
  kind?: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  /** Milliseconds since the epoch. */
  startMs: number;
  endMs: number;
  attributes?: Record<string, Value>;
  error?: { message: string; exception?: { type: string; message: string } };
  links?: Array<{ spanId: string; type: string }>;
}

const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

export const newTraceId = () => randomBytes(16).toString('hex');
export const newSpanId = () => randomBytes(8).toString('hex');

function attr(key: string, value: Value) {
  if (typeof value === 'string') return { key, value: { stringValue: value } };
  if (typeof value === 'boolean') return { key, value: { boolValue: value } };
  return Number.isInteger(value) ? { key, value: { intValue: String(value) } } : { key, value: { doubleValue: value } };
}

const nanos = (ms: number) => `${BigInt(Math.round(ms * 1000)) * 1000n}`;

/** One OTLP-JSON request body, one resource per service. */
export function otlpRequest(spans: readonly FixtureSpan[]) {
  const byService = new Map<string, FixtureSpan[]>();
  for (const s of spans) byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
  return {
    resourceSpans: [...byService.entries()].map(([service, list]) => ({
      resource: { attributes: [attr('service.name', service)] },
      scopeSpans: [
        {
          scope: { name: '@wideline/query-integration' },
          spans: list.map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: KIND[s.kind ?? 'internal'],
            startTimeUnixNano: nanos(s.startMs),
            endTimeUnixNano: nanos(s.endMs),
            attributes: Object.entries(s.attributes ?? {}).map(([k, v]) => attr(k, v)),
            status: s.error ? { code: 2, message: s.error.message } : {},
            events: s.error?.exception
              ? [
                  {
                    name: 'exception',
                    timeUnixNano: nanos(s.endMs),
                    attributes: [
                      attr('exception.type', s.error.exception.type),
                      attr('exception.message', s.error.exception.message),
                    ],
                  },
                ]
              : [],
            links: (s.links ?? []).map((l) => ({
              traceId: s.traceId,
              spanId: l.spanId,
              attributes: [attr('wideline.link.type', l.type)],
            })),
          })),
        },
      ],
    })),
  };
}

/** Posts spans to the OTLP/HTTP JSON receiver; throws with Jaeger's answer when it refuses. */
export async function postSpans(spans: readonly FixtureSpan[]): Promise<void> {
  const res = await fetch(`${OTLP_URL}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(otlpRequest(spans)),
  });
  if (!res.ok) throw new Error(`OTLP receiver answered ${res.status}: ${await res.text()}`);
}
