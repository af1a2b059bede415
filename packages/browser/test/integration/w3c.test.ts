/**
 * W3C Trace Context from a page in real Chromium, read on the server: the headers its fetch and XHR
 * carried and the trace field inside its WebSocket message, when the page's server sent an
 * unsampled parent, a sampled one, either with the Level 2 random-trace-id flag, or none (the page
 * view is then a new root). `sentry-trace` and `baggage` must agree with the W3C flags.
 */
import { checkPropagation, type ReceivedHeaders, W3C_PARENT_ID, W3C_TRACE_ID, type W3CCase } from '@wideline/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { appOrigin, connect, openPage, seen, uniqueId, until } from './harness';

const TRACESTATE = 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE';
const parent = (flags: string) => `00-${W3C_TRACE_ID}-${W3C_PARENT_ID}-${flags}`;

const CASES: W3CCase[] = [
  {
    name: 'unsampled server parent (00) with tracestate',
    source: '§3.5 mutations; §3.2.2.5.1 sampled flag',
    headers: [
      ['traceparent', parent('00')],
      ['tracestate', TRACESTATE],
    ],
    expect: { trace: 'same', flags: '00', tracestate: TRACESTATE },
  },
  {
    name: 'sampled server parent (01) with tracestate',
    source: '§3.2.2.5.1 sampled flag',
    headers: [
      ['traceparent', parent('01')],
      ['tracestate', TRACESTATE],
    ],
    expect: { trace: 'same', flags: '01', tracestate: TRACESTATE },
  },
  {
    name: 'unsampled server parent with the random flag (02)',
    source: 'Level 2 §3.2.2.5.2',
    headers: [['traceparent', parent('02')]],
    expect: { trace: 'same', flags: '02', tracestate: null },
  },
  {
    name: 'sampled server parent with the random flag (03)',
    source: 'Level 2 §3.2.2.5.2',
    headers: [['traceparent', parent('03')]],
    expect: { trace: 'same', flags: '03', tracestate: null },
  },
  {
    name: 'no server parent: the page view is a new random root',
    source: 'Level 2 §3.2.2.5.2',
    headers: [],
    expect: { trace: 'new', flags: '03', tracestate: null },
  },
];

interface WsMessage {
  id?: string;
  wideline?: { traceparent?: string; tracestate?: string };
}

/** sentry-trace must name the same trace and span as traceparent, sampled iff its flag is. */
function sentryProblems(headers: ReceivedHeaders): string[] {
  const [, traceId, spanId, flags] = String(headers.traceparent).split('-');
  const sampled = (Number.parseInt(flags ?? '', 16) & 1) === 1 ? '1' : '0';
  const problems: string[] = [];
  if (headers['sentry-trace'] !== `${traceId}-${spanId}-${sampled}`)
    problems.push(`sentry-trace ${headers['sentry-trace']} for traceparent ${headers.traceparent}`);
  if (!String(headers.baggage).includes(`sentry-sampled=${sampled === '1'}`))
    problems.push(`baggage ${headers.baggage} for traceparent ${headers.traceparent}`);
  return problems;
}

describe('W3C Trace Context from a page in Chromium (fetch, XHR, WebSocket)', () => {
  afterAll(async () => {
    await (await connect()).close();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const id = uniqueId();
    const meta = Object.fromEntries(testCase.headers);
    const { page, context, errors } = await openPage('/w3c', {
      id,
      service: `browser-w3c-${id}`,
      endpoint: 'http://localhost:4318',
      ...meta,
    });
    await page.evaluate(() => (window as unknown as { run: () => Promise<void> }).run());
    const requests = await until(
      () => seen(id),
      (list) => list.length >= 2,
    );
    const messages = await until(
      async () => (await (await fetch(`${appOrigin()}/_ws`)).json()) as WsMessage[],
      (list) => list.some((m) => m.id === id),
    );
    await context.close();
    const byPath = (path: string) => requests.find((r) => r.path === path)?.headers ?? {};
    const ws = messages.find((m) => m.id === id)?.wideline ?? {};
    expect({
      fetch: checkPropagation(testCase, [byPath('/api/w3c-fetch')]),
      xhr: checkPropagation(testCase, [byPath('/api/w3c-xhr')]),
      websocket: checkPropagation(testCase, [ws]),
      'fetch sentry-trace': sentryProblems(byPath('/api/w3c-fetch')),
      'xhr sentry-trace': sentryProblems(byPath('/api/w3c-xhr')),
      'page errors': errors,
    }).toEqual({
      fetch: [],
      xhr: [],
      websocket: [],
      'fetch sentry-trace': [],
      'xhr sentry-trace': [],
      'page errors': [],
    });
  });
});
