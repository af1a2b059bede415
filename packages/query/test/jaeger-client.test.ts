import { describe, expect, it } from 'vitest';
import {
  JaegerClient,
  JaegerResponseError,
  JaegerUnreachableError,
  MalformedTraceIdError,
  spansFromLegacy,
  spansFromOtlp,
  TraceNotFoundError,
} from '../src/index.ts';

const ID = '2e08c641586da947f4c194862eaa8375';

// Shapes captured from Jaeger v2 (`/api/v3/traces/{id}` and `/api/traces/{id}`) for a two-span trace.
const V3 = {
  result: {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'probe-svc' } }] },
        scopeSpans: [
          {
            scope: { name: 'probe' },
            spans: [
              {
                traceId: ID,
                spanId: '5e1784054a0b8b9e',
                name: 'root',
                kind: 2,
                startTimeUnixNano: '1795825660526596146',
                endTimeUnixNano: '1795825660531596146',
                attributes: [
                  { key: 'n', value: { intValue: '3' } },
                  { key: 'wideline.sample_rate', value: { doubleValue: 4 } },
                ],
                status: {},
              },
              {
                traceId: ID,
                spanId: '174f588f30fdb6db',
                parentSpanId: '5e1784054a0b8b9e',
                name: 'child',
                kind: 1,
                startTimeUnixNano: '1795825660527596146',
                endTimeUnixNano: '1795825660528596146',
                events: [
                  {
                    timeUnixNano: '1795825660528096146',
                    name: 'exception',
                    attributes: [{ key: 'exception.message', value: { stringValue: 'boom msg' } }],
                  },
                ],
                links: [
                  {
                    traceId: ID,
                    spanId: '5e1784054a0b8b9e',
                    attributes: [{ key: 'wideline.link.type', value: { stringValue: 'compensates' } }],
                  },
                ],
                status: { message: 'boom', code: 2 },
              },
            ],
          },
        ],
      },
    ],
  },
};
const LEGACY = {
  data: [
    {
      traceID: ID,
      spans: [
        {
          traceID: ID,
          spanID: '5e1784054a0b8b9e',
          operationName: 'root',
          references: [],
          startTime: 1795825660526596,
          duration: 5000,
          tags: [
            { key: 'n', type: 'int64', value: 3 },
            { key: 'span.kind', type: 'string', value: 'server' },
          ],
          logs: [],
          processID: 'p1',
        },
        {
          traceID: ID,
          spanID: '174f588f30fdb6db',
          operationName: 'child',
          references: [{ refType: 'CHILD_OF', traceID: ID, spanID: '5e1784054a0b8b9e' }],
          startTime: 1795825660527596,
          duration: 1000,
          tags: [
            { key: 'error', type: 'bool', value: true },
            { key: 'otel.status_code', type: 'string', value: 'ERROR' },
            { key: 'otel.status_description', type: 'string', value: 'boom' },
          ],
          logs: [
            {
              timestamp: 1795825660528096,
              fields: [
                { key: 'event', type: 'string', value: 'exception' },
                { key: 'exception.message', type: 'string', value: 'boom msg' },
              ],
            },
          ],
          processID: 'p1',
        },
      ],
      processes: { p1: { serviceName: 'probe-svc', tags: [] } },
    },
  ],
};

describe('parsing Jaeger answers', () => {
  it('reads OTLP-JSON into spans with µs times, kinds, statuses, events and typed links', () => {
    const [root, child] = spansFromOtlp(V3);
    expect(root).toMatchObject({
      name: 'root',
      kind: 'server',
      service: 'probe-svc',
      startUs: 1795825660526596,
      endUs: 1795825660531596,
    });
    expect(root?.attributes).toEqual({ n: 3, 'wideline.sample_rate': 4 });
    expect(root?.status.code).toBe('UNSET');
    expect(child).toMatchObject({
      parentSpanId: '5e1784054a0b8b9e',
      kind: 'internal',
      status: { code: 'ERROR', message: 'boom' },
    });
    expect(child?.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.message': 'boom msg' } });
    expect(child?.links[0]?.attributes['wideline.link.type']).toBe('compensates');
  });

  it('reads the legacy format into the same shape', () => {
    const [root, child] = spansFromLegacy(LEGACY);
    expect(root).toMatchObject({
      name: 'root',
      kind: 'server',
      service: 'probe-svc',
      startUs: 1795825660526596,
      endUs: 1795825660531596,
    });
    expect(root?.attributes).toEqual({ n: 3 });
    expect(child).toMatchObject({ parentSpanId: '5e1784054a0b8b9e', status: { code: 'ERROR', message: 'boom' } });
    expect(child?.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.message': 'boom msg' } });
  });
});

type Route = (url: string) => Response | Error;
function client(route: Route): { jaeger: JaegerClient; calls: string[] } {
  const calls: string[] = [];
  const fake = (async (input: string | URL | Request) => {
    const url = String(input);
    calls.push(url.replace('http://jaeger:16686', ''));
    const answer = route(url);
    if (answer instanceof Error) throw answer;
    return answer;
  }) as typeof fetch;
  return { jaeger: new JaegerClient({ url: 'http://jaeger:16686/', fetch: fake }), calls };
}
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });

describe('JaegerClient', () => {
  it('fetches from /api/v3 first', async () => {
    const { jaeger, calls } = client(() => json(V3));
    const trace = await jaeger.getTrace(ID.toUpperCase());
    expect(trace.api).toBe('v3');
    expect(trace.spans).toHaveLength(2);
    expect(calls).toEqual([`/api/v3/traces/${ID}`]);
    expect(jaeger.uiUrl(ID)).toBe(`http://jaeger:16686/trace/${ID}`);
  });

  it('falls back to the legacy API when there is no v3 route', async () => {
    const { jaeger, calls } = client((url) =>
      url.includes('/v3/') ? new Response('404 page not found', { status: 404 }) : json(LEGACY),
    );
    const trace = await jaeger.getTrace(ID);
    expect(trace.api).toBe('legacy');
    expect(trace.spans.map((s) => s.name)).toEqual(['root', 'child']);
    expect(calls).toEqual([`/api/v3/traces/${ID}`, `/api/traces/${ID}`]);
  });

  it('says the trace is unknown when Jaeger answers its JSON 404', async () => {
    const { jaeger, calls } = client(() => json({ error: { httpCode: 404, message: 'No traces found' } }, 404));
    await expect(jaeger.getTrace(ID)).rejects.toThrow(TraceNotFoundError);
    await expect(jaeger.getTrace(ID)).rejects.toThrow(`Trace ${ID} is not in Jaeger at http://jaeger:16686`);
    expect(calls.every((c) => c.startsWith('/api/v3'))).toBe(true);
  });

  it('rejects a malformed id before asking Jaeger', async () => {
    const { jaeger, calls } = client(() => json(V3));
    await expect(jaeger.getTrace('not-a-trace')).rejects.toThrow(MalformedTraceIdError);
    expect(calls).toEqual([]);
  });

  it('names the URL and the fix when Jaeger is unreachable', async () => {
    const refused = new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    const { jaeger } = client(() => refused);
    const error = await jaeger.getTrace(ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JaegerUnreachableError);
    expect((error as Error).message).toMatch(/http:\/\/jaeger:16686 \(ECONNREFUSED\).*pnpm stack up/);
    expect((error as JaegerUnreachableError).exitCode).toBe(3);
  });

  it('reports a non-JSON answer as not-Jaeger', async () => {
    const { jaeger } = client(() => new Response('<html>hello</html>', { status: 200 }));
    await expect(jaeger.getTrace(ID)).rejects.toThrow(JaegerResponseError);
  });

  it('searches with the v3 parameters, groups by trace, and treats the 404 as no match', async () => {
    const { jaeger, calls } = client(() => json(V3));
    const { traces } = await jaeger.searchTraces({
      service: 'probe-svc',
      startMinUs: 1_700_000_000_000_000,
      startMaxUs: 1_700_000_060_000_000,
      limit: 7,
    });
    expect([...traces.keys()]).toEqual([ID]);
    const params = new URL(`http://x${calls[0]}`).searchParams;
    expect(Object.fromEntries(params)).toEqual({
      'query.service_name': 'probe-svc',
      'query.start_time_min': '2023-11-14T22:13:20.000Z',
      'query.start_time_max': '2023-11-14T22:14:20.000Z',
      'query.num_traces': '7',
    });
    const none = client(() => json({ error: { httpCode: 404, message: 'No traces found' } }, 404));
    expect((await none.jaeger.searchTraces({ service: 's', startMinUs: 0, startMaxUs: 1, limit: 1 })).traces.size).toBe(
      0,
    );
  });
});
