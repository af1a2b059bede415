import { waitForTrace } from '@wideline/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { appOrigin, connect, openPage, uniqueId } from './harness';

describe('spans ended just before the page goes away', () => {
  afterAll(async () => {
    await (await connect()).close();
  });

  it('are delivered by the pagehide flush, though the batch timer would wait 5 s', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/page', {
      id,
      service: `browser-unload-${id}`,
      endpoint: 'http://localhost:4318',
      next: `${appOrigin()}/_seen?id=${id}`,
    });
    await Promise.all([page.waitForURL(/_seen/), page.click('#leave')]);
    // The old page's window is gone with its ids: find the trace by its service in Jaeger.
    await context.close();
    const stashed = await findLeaveTrace(`browser-unload-${id}`);
    const spans = await waitForTrace(stashed, 2, 10_000);
    const confirm = spans.find((s) => s.name === 'checkout.confirm');
    const click = spans.find((s) => s.name === 'click button#leave');
    expect(confirm?.parentSpanId).toBe(click?.spanId);
  });
});

/** Finds the trace of the `checkout.confirm` span by service name in Jaeger's search. */
async function findLeaveTrace(service: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const now = new Date();
    const params = new URLSearchParams({
      'query.service_name': service,
      'query.start_time_min': new Date(now.getTime() - 5 * 60_000).toISOString(),
      'query.start_time_max': new Date(now.getTime() + 60_000).toISOString(),
      'query.num_traces': '20',
    });
    const res = await fetch(`http://localhost:16686/api/v3/traces?${params}`);
    if (res.ok) {
      const body = (await res.json()) as {
        result?: {
          resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<{ name: string; traceId: string }> }> }>;
        };
      };
      for (const rs of body.result?.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? [])
          for (const span of ss.spans ?? []) if (span.name === 'checkout.confirm') return span.traceId;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no checkout.confirm span of ${service} reached Jaeger`);
}
