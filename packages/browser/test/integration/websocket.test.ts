import { waitForTrace } from '@wideline/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { appOrigin, connect, openPage, uniqueId, until } from './harness';

interface WsMessage {
  type: string;
  id: string;
  text: string;
  wideline: { traceparent: string; correlationId: string; tracestate?: string };
}

describe('a traced WebSocket', () => {
  afterAll(async () => {
    await (await connect()).close();
  });

  it('carries correlation id and trace context inside the message, and records send and receive spans', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/page', {
      id,
      service: `browser-ws-${id}`,
      endpoint: 'http://localhost:4318',
    });
    await page.click('#ws');
    await page.waitForFunction(() => (window as { results?: { reply?: unknown } }).results?.reply !== undefined);
    const results = (await page.evaluate(() => (window as unknown as { results: object }).results)) as {
      wsClickTraceId: string;
      correlationId: string;
      reply: Record<string, unknown>;
      replyTraceId: string;
    };

    const messages = await until(
      async () => (await (await fetch(`${appOrigin()}/_ws`)).json()) as WsMessage[],
      (list) => list.some((m) => m.id === id),
    );
    const message = messages.find((m) => m.id === id) as WsMessage;
    // The app's own fields are untouched; Wideline's ride along under one key.
    expect(message).toMatchObject({ type: 'chat.post', text: 'hello', id });
    expect(message.wideline.correlationId).toBe(results.correlationId);
    const [, traceId, sendSpanId] = message.wideline.traceparent.split('-');
    expect(traceId).toBe(results.wsClickTraceId);
    // The handler saw the reply without the Wideline field, inside the server's trace.
    expect(results.reply).toEqual({ type: 'ack' });
    expect(results.replyTraceId).toBe(traceId);

    await page.goto('about:blank');
    await context.close();
    const spans = await waitForTrace(traceId as string, 3);
    const send = spans.find((s) => s.name === 'ws send chat.post');
    const receive = spans.find((s) => s.name === 'ws receive ack');
    const click = spans.find((s) => s.name === 'click button#ws');
    expect(send?.spanId).toBe(sendSpanId);
    expect(send?.parentSpanId).toBe(click?.spanId);
    expect(send?.attributes['messaging.message.conversation_id']).toBe(results.correlationId);
    expect(send?.attributes['messaging.system']).toBe('websocket');
    expect(receive?.attributes['messaging.message.conversation_id']).toBe(results.correlationId);
    expect(receive?.parentSpanId).toBe('ab'.repeat(8));
  });
});
