import {
  createExecutionContext,
  env,
  evictDurableObject,
  runDurableObjectAlarm,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { SpanStatusCode } from '@opentelemetry/api';
import { beforeEach, expect, it } from 'vitest';
import type { Env } from './fixtures/unit-worker';
import { parentId, reset, SpanKind, spans, TRACE_ID, TRACEPARENT, waitFor, worker } from './helpers';

beforeEach(() => reset());

async function open(): Promise<WebSocket> {
  const response = await exports.default.fetch('https://edge.test/do/ws', {
    headers: { upgrade: 'websocket', traceparent: TRACEPARENT },
  });
  expect(response.status).toBe(101);
  const ws = response.webSocket!;
  ws.accept();
  return ws;
}

function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.addEventListener('message', (e) => resolve(String(e.data)), { once: true }));
}

const CLIENT_TRACE = 'abcdefabcdefabcdefabcdefabcdef01';

it('gives each WebSocket message a span continuing the trace and correlation id the client put in it', async () => {
  const ws = await open();
  const reply = nextMessage(ws);
  // Written by hand: the handler must get these exact characters back, less the `wideline` member.
  ws.send(
    `{"type": "chat.send", "n": 1.0, "wideline": {"traceparent": "00-${CLIENT_TRACE}-1111111111111111-01", "correlationId": "corr-1"}, "text": "hi"}`,
  );
  expect(JSON.parse(await reply)).toMatchObject({ received: '{"type": "chat.send", "n": 1.0, "text": "hi"}' });
  const message = await waitFor((all) => all.find((s) => s.name === 'websocket message chat.send'));
  expect(message.kind).toBe(SpanKind.SERVER);
  expect(message.spanContext().traceId).toBe(CLIENT_TRACE);
  expect(parentId(message)).toBe('1111111111111111');
  expect(message.attributes).toMatchObject({
    'websocket.message.type': 'chat.send',
    'wideline.correlation_id': 'corr-1',
    'websocket.message.index': 1,
    'rpc.service': 'Room',
    // The application's own attachment is untouched by Wideline's counters.
    'room.user': 'ada',
  });
  ws.close(1000, 'bye');
  await waitFor((all) => all.find((s) => s.name === 'websocket connection'));
});

it('emits one connection wide event on close — counts by type, errors, close code — across hibernation', async () => {
  const ws = await open();
  const upgrade = await waitFor((all) =>
    all.find((s) => s.attributes['http.response.status_code'] === 101 && s.attributes['url.path'] === '/do/ws'),
  );
  for (const type of ['a', 'b', 'a']) {
    const reply = nextMessage(ws);
    ws.send(JSON.stringify({ type }));
    await reply;
  }
  // Hibernate: the object is evicted from memory, its sockets stay open. Counters must survive.
  await evictDurableObject((env as Env).ROOM.getByName('lobby'), { webSockets: 'hibernate' });
  ws.send('not json at all');
  ws.send(JSON.stringify({ type: 'boom' }));
  await waitFor((all) => all.find((s) => s.name === 'websocket message boom'));
  ws.close(4001, 'done here');
  const isThis = (s: { name: string; attributes: Record<string, unknown> }) =>
    s.name === 'websocket connection' && s.attributes['websocket.close.code'] === 4001;
  const connection = await waitFor((all) => all.find(isThis));
  expect(connection.attributes).toMatchObject({
    'websocket.message_count': 5,
    'websocket.messages_by_type.a': 2,
    'websocket.messages_by_type.b': 1,
    'websocket.messages_by_type.text': 1,
    'websocket.messages_by_type.boom': 1,
    'websocket.error_count': 1,
    'websocket.last_error': 'message handler failed',
    'websocket.close.code': 4001,
    'websocket.close.reason': 'done here',
    'room.closed_by': 'client',
  });
  expect(connection.attributes['websocket.duration_ms']).toBeGreaterThanOrEqual(0);
  // The connection belongs to the trace of the request that opened it.
  expect(connection.spanContext().traceId).toBe(TRACE_ID);
  expect(parentId(connection)).toBe(upgrade.spanContext().spanId);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(spans().filter(isThis)).toHaveLength(1);
  const failed = spans().find((s) => s.name === 'websocket message boom');
  expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
});

it('hands the handler a message without the wideline field, wherever the field is', async () => {
  const ws = await open();
  const cases: [string, string][] = [
    ['{"wideline":{"correlationId":"c"},"type":"first"}', '{"type":"first"}'],
    ['{ "type" : "last" ,\n "wideline" : { "a": [1, "}"] } }', '{ "type" : "last" }'],
    ['{"wideline":{}}', '{}'],
    ['{"type":"none","big":12345678901234567890}', '{"type":"none","big":12345678901234567890}'],
  ];
  for (const [sent, expected] of cases) {
    const reply = nextMessage(ws);
    ws.send(sent);
    expect(JSON.parse(await reply).received).toBe(expected);
  }
  ws.close(1000, 'bye');
  await waitFor((all) => all.find((s) => s.name === 'websocket connection'));
});

it('links a message without context to its connection’s span, across hibernation', async () => {
  const ws = await open();
  const first = nextMessage(ws);
  ws.send(JSON.stringify({ type: 'plain' }));
  await first;
  await evictDurableObject((env as Env).ROOM.getByName('lobby'), { webSockets: 'hibernate' });
  const second = nextMessage(ws);
  ws.send('no json');
  await second;
  ws.close(4002, 'linked');
  const connection = await waitFor((all) =>
    all.find((s) => s.name === 'websocket connection' && s.attributes['websocket.close.code'] === 4002),
  );
  expect(connection.attributes['rpc.service']).toBe('Room');
  const messages = spans().filter((s) => ['websocket message plain', 'websocket message text'].includes(s.name));
  expect(messages).toHaveLength(2);
  for (const message of messages) {
    expect(parentId(message)).toBeUndefined();
    expect(message.links.map((l) => `${l.context.traceId}/${l.context.spanId}`)).toEqual([
      `${connection.spanContext().traceId}/${connection.spanContext().spanId}`,
    ]);
  }
});

it('continues the request trace into the Durable Object fetch through the stub', async () => {
  const response = await exports.default.fetch('https://edge.test/do/echo', { headers: { traceparent: TRACEPARENT } });
  const { traceparent } = (await response.json()) as { traceparent: string };
  const client = await waitFor((all) =>
    all.find((s) => s.kind === SpanKind.CLIENT && s.attributes['cloudflare.binding'] === 'ROOM'),
  );
  expect(traceparent).toBe(`00-${TRACE_ID}-${client.spanContext().spanId}-01`);
  const inside = await waitFor((all) =>
    all.find((s) => s.kind === SpanKind.SERVER && parentId(s) === client.spanContext().spanId),
  );
  expect(inside.attributes['url.path']).toBe('/echo');
});

it('traces RPC calls on both sides and alarms', async () => {
  const response = await exports.default.fetch('https://edge.test/do/rpc');
  expect(await response.json()).toEqual({ count: 2 });
  const caller = await waitFor((all) => all.find((s) => s.name === 'ROOM.increment'));
  const callee = await waitFor((all) => all.find((s) => s.name === 'Room.increment'));
  expect(caller.kind).toBe(SpanKind.CLIENT);
  expect(callee.kind).toBe(SpanKind.SERVER);
  expect(callee.attributes).toMatchObject({
    'rpc.system': 'cloudflare_durable_object',
    'rpc.service': 'Room',
    'rpc.method': 'increment',
    'room.extra_arguments': 0,
  });
  // One trace across the RPC hop: the caller's CLIENT span is the callee's parent.
  expect(callee.spanContext().traceId).toBe(caller.spanContext().traceId);
  expect(parentId(callee)).toBe(caller.spanContext().spanId);

  const stub = (env as Env).ROOM.getByName('alarmed');
  await stub.arm();
  reset();
  expect(await runDurableObjectAlarm(stub)).toBe(true);
  const alarm = await waitFor((all) => all.find((s) => s.name === 'Room.alarm'));
  expect(alarm.attributes).toMatchObject({ 'faas.trigger': 'timer', 'rpc.service': 'Room', 'room.alarm': true });
});

it('traces a Durable Object stub behind an env proxy that binds functions, as @sentry/cloudflare’s does', async () => {
  // Sentry's env proxy returns functions bound to their binding, so `constructor.name` of a namespace
  // reads `bound DurableObjectNamespace`.
  const bindFunctions = <T extends object>(target: T): T =>
    new Proxy(target, {
      get: (t, p) => {
        const value = Reflect.get(t, p, t);
        return typeof value === 'function' ? value.bind(t) : value;
      },
    });
  const sentryLikeEnv = new Proxy(env as Env, {
    get: (t, p) => {
      const value = Reflect.get(t, p);
      return typeof value === 'object' && value !== null ? bindFunctions(value) : value;
    },
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request('https://edge.test/do/echo', { headers: { traceparent: TRACEPARENT } }),
    sentryLikeEnv,
    ctx,
  );
  const { traceparent } = (await response.json()) as { traceparent: string };
  await waitOnExecutionContext(ctx);
  const client = await waitFor((all) =>
    all.find((s) => s.kind === SpanKind.CLIENT && s.attributes['cloudflare.binding'] === 'ROOM'),
  );
  expect(traceparent).toBe(`00-${TRACE_ID}-${client.spanContext().spanId}-01`);
});
