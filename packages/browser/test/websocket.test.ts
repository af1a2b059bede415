import { context, SpanKind, trace } from '@opentelemetry/api';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BrowserTracing } from '../src/init';
import { setRunningBrowser } from '../src/running';
import { traceWebSocket, wrapWebSocket } from '../src/websocket';
import { memoryProvider } from './helpers';

class FakeSocket extends EventTarget {
  readonly url = 'wss://api.example.com/chat';
  readonly sent: string[] = [];
  send(data: string): void {
    this.sent.push(data);
  }
  receive(data: string): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }
}

describe('wrapWebSocket', () => {
  const memory = memoryProvider();
  beforeEach(() => memory.reset());

  it('stamps outgoing messages with trace context and a correlation id inside the message', () => {
    const fake = new FakeSocket();
    const socket = wrapWebSocket({ tracer: memory.tracer }, fake as unknown as WebSocket);
    const parent = memory.tracer.startSpan('click');
    const correlationId = context.with(trace.setSpan(context.active(), parent), () =>
      socket.send({ type: 'chat.post', text: 'hi' }),
    );
    const message = JSON.parse(fake.sent[0] as string);
    const [send] = memory.spans();
    expect(message).toEqual({
      type: 'chat.post',
      text: 'hi',
      wideline: {
        traceparent: `00-${parent.spanContext().traceId}-${send?.spanContext().spanId}-03`,
        correlationId,
      },
    });
    expect(send?.name).toBe('ws send chat.post');
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(send?.attributes['messaging.message.conversation_id']).toBe(correlationId);
  });

  it('runs handlers inside a receive span continuing the sender’s trace, without the Wideline field', () => {
    const fake = new FakeSocket();
    const socket = wrapWebSocket({ tracer: memory.tracer }, fake as unknown as WebSocket);
    const seen: Array<{ message: unknown; traceId: string | undefined }> = [];
    socket.onMessage((message) => seen.push({ message, traceId: trace.getActiveSpan()?.spanContext().traceId }));
    const traceId = 'a'.repeat(32);
    fake.receive(
      JSON.stringify({
        type: 'ack',
        wideline: { traceparent: `00-${traceId}-${'b'.repeat(16)}-01`, correlationId: 'c1' },
      }),
    );
    fake.receive('not json');
    fake.receive(JSON.stringify({ type: 'tick', wideline: { traceparent: 'garbage' } }));
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual({ message: { type: 'ack' }, traceId });
    // A broken traceparent is ignored: the message starts its own trace, never a corrupted one.
    expect(seen[1]?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(seen[1]?.traceId).not.toBe(traceId);
    // Receive spans end with their handlers and never become the ambient parent of later work.
    expect(memory.spans().map((s) => s.name)).toEqual(['ws receive ack', 'ws receive tick']);
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it('traceWebSocket takes the running instance’s tracer, else the global one', () => {
    const scopeOfSend = () => {
      memory.reset();
      traceWebSocket(new FakeSocket() as unknown as WebSocket).send({ type: 'ping' });
      return memory.spans()[0]?.instrumentationScope.name;
    };
    expect(scopeOfSend()).toBe('@wideline/browser');
    setRunningBrowser({ tracer: memory.tracer } as BrowserTracing);
    try {
      expect(scopeOfSend()).toBe('test');
    } finally {
      setRunningBrowser(undefined);
    }
  });
});
