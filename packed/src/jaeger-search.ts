/**
 * Finds traces in Jaeger by a resource attribute, for a scratch app whose trace ids the test cannot
 * know in advance (a job added outside any span starts its own trace). The app runs with
 * `OTEL_RESOURCE_ATTRIBUTES=wideline.test_run=<id>`, which Wideline reads like any `OTEL_*` variable.
 *
 * @module
 */
import { JAEGER_QUERY_URL } from '@wideline/testkit';

type Attribute = { key: string; value: { stringValue?: string } };
interface SearchAnswer {
  result?: {
    resourceSpans?: Array<{
      resource?: { attributes?: Attribute[] };
      scopeSpans?: Array<{ spans?: Array<{ traceId: string }> }>;
    }>;
  };
}

export const TEST_RUN_ATTRIBUTE = 'wideline.test_run';

/** Trace ids of `service`'s spans since `since` whose resource carries `wideline.test_run=<run>`. */
export async function tracesOfRun(service: string, run: string, since: Date): Promise<Set<string>> {
  const params = new URLSearchParams({
    'query.service_name': service,
    'query.start_time_min': since.toISOString(),
    'query.start_time_max': new Date(Date.now() + 60_000).toISOString(),
    'query.num_traces': '100',
  });
  const res = await fetch(`${JAEGER_QUERY_URL}/api/v3/traces?${params}`);
  if (res.status === 404) return new Set(); // Jaeger's answer when nothing matches
  if (!res.ok) throw new Error(`Jaeger search answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as SearchAnswer;
  const ids = new Set<string>();
  for (const rs of body.result?.resourceSpans ?? []) {
    const mine = rs.resource?.attributes?.some((a) => a.key === TEST_RUN_ATTRIBUTE && a.value.stringValue === run);
    if (!mine) continue;
    for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) ids.add(span.traceId);
  }
  return ids;
}
