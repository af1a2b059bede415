/**
 * W3C Trace Context on every outgoing channel of a Worker, inside workerd, read where it lands: the
 * headers the (uninstrumented) echo Worker received over fetch and its service binding, the headers
 * a Durable Object stub delivered, the trailing envelope an uninstrumented RPC callee received, a
 * Queues message body as the queue delivered it, and the trace field of a Durable Object's
 * WebSocket reply. Each channel under an unsampled parent, a sampled one, both with the Level 2
 * random-trace-id flag, and a new root.
 */
import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Env } from './fixtures/unit-worker';
import { PARENT_ID, reset, TRACE_ID } from './helpers';

const TRACESTATE = 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE';

interface Parent {
  name: string;
  /** Request headers of the incoming call (or the WebSocket message's trace field). */
  headers: Record<string, string>;
  /** The callee must see this trace id (`new`: some other, freshly made one). */
  trace: string;
  flags: string;
  tracestate: string | null;
}

const PARENTS: Parent[] = [
  {
    name: 'unsampled parent (00)',
    headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-00`, tracestate: TRACESTATE },
    trace: TRACE_ID,
    flags: '00',
    tracestate: TRACESTATE,
  },
  {
    name: 'sampled parent (01)',
    headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01`, tracestate: TRACESTATE },
    trace: TRACE_ID,
    flags: '01',
    tracestate: TRACESTATE,
  },
  {
    name: 'unsampled parent with the random flag (02)',
    headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-02`, tracestate: TRACESTATE },
    trace: TRACE_ID,
    flags: '02',
    tracestate: TRACESTATE,
  },
  {
    name: 'sampled parent with the random flag (03)',
    headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-03` },
    trace: TRACE_ID,
    flags: '03',
    tracestate: null,
  },
  { name: 'no parent: a new random root', headers: {}, trace: 'new', flags: '03', tracestate: null },
];

/** What the callee received, checked against the parent: the problems, or `[]`. */
function problems(parent: Parent, received: { traceparent?: unknown; tracestate?: unknown } | undefined): string[] {
  const traceparent = received?.traceparent;
  const match =
    typeof traceparent === 'string' ? /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceparent) : null;
  if (!match) return [`no valid traceparent arrived: ${JSON.stringify(received)}`];
  const [, traceId, spanId, flags] = match;
  const found: string[] = [];
  if (parent.trace === 'new' ? traceId === TRACE_ID : traceId !== parent.trace) found.push(`trace id ${traceId}`);
  if (spanId === PARENT_ID) found.push('parent-id not updated');
  if (flags !== parent.flags) found.push(`trace-flags ${flags}, expected ${parent.flags}`);
  const tracestate = received?.tracestate ?? null;
  if (tracestate !== parent.tracestate)
    found.push(`tracestate ${JSON.stringify(tracestate)}, expected ${parent.tracestate}`);
  return found;
}

async function through(via: string, parent: Parent): Promise<unknown> {
  const response = await exports.default.fetch(`https://edge.test/propagate?via=${via}`, { headers: parent.headers });
  return response.json();
}

async function poll<T>(read: () => Promise<T | null>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeEach(() => reset());

describe.each(PARENTS.map((p) => [p.name, p] as const))('%s', (_name, parent) => {
  it.each([
    ['outgoing fetch (allowlisted host): headers received', 'fetch'],
    ['service binding fetch: headers received', 'service-binding'],
    ['Durable Object stub fetch: headers received', 'durable-object'],
  ])('%s', async (_channel, via) => {
    expect(problems(parent, (await through(via, parent)) as never)).toEqual([]);
  });

  it.each([
    ['service binding RPC: the envelope an uninstrumented callee received', 'service-rpc'],
    ['Durable Object RPC: the envelope an uninstrumented callee received', 'durable-object-rpc'],
  ])('%s', async (_channel, via) => {
    const envelope = (await through(via, parent)) as { __wideline_trace_context__?: Record<string, string> };
    expect(problems(parent, envelope.__wideline_trace_context__)).toEqual([]);
  });

  it('Queues: the message body as the queue delivered it, and what the consumer continued', async () => {
    const { probe } = (await through('queue', parent)) as { probe: string };
    const kv = (env as Env).KV;
    const wire = await poll(async () => kv.get<{ wideline?: Record<string, string> }>(`wire:${probe}`, 'json'));
    expect(problems(parent, wire.wideline)).toEqual([]);
    const continued = await poll(async () =>
      kv.get<{ traceId: string; traceFlags: number; traceState?: string }>(`continued:${probe}`, 'json'),
    );
    const [, traceId, , flags] = (wire.wideline?.traceparent ?? '').split('-');
    expect(continued.traceId).toBe(traceId);
    expect(continued.traceFlags.toString(16).padStart(2, '0')).toBe(flags);
    expect(continued.traceState ?? null).toBe(parent.tracestate);
  });

  it('WebSocket message to a Durable Object: the reply carries the message’s trace', async () => {
    const response = await exports.default.fetch('https://edge.test/do/ws', { headers: { upgrade: 'websocket' } });
    const ws = response.webSocket as WebSocket;
    ws.accept();
    const reply = new Promise<string>((resolve) =>
      ws.addEventListener('message', (e) => resolve(String(e.data)), { once: true }),
    );
    const wideline = parent.headers.traceparent ? parent.headers : undefined;
    ws.send(JSON.stringify({ type: 'chat.send', text: 'hi', ...(wideline ? { wideline } : {}) }));
    const body = JSON.parse(await reply) as { wideline?: Record<string, string> };
    ws.close(1000, 'done');
    expect(problems(parent, body.wideline)).toEqual([]);
  });
});
