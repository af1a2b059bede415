/**
 * One Durable Object per order: it keeps the order's status history and pushes each new status to
 * the browsers watching the order, over hibernated WebSockets (the object may be evicted between
 * two messages; the sockets stay open).
 *
 * Every message sent to a browser carries the trace context of the span that sent it in a
 * `wideline` field — the convention `@wideline/browser`'s traced WebSocket reads — so the page's
 * handling of a status update joins the order's trace.
 */

import { DurableObject } from 'cloudflare:workers';
import { trace } from '@opentelemetry/api';
import { attachTraceContext, wideEvent } from '@wideline/core';
import type { Env } from './env';

/** A status update as the jobs service posts it. */
export interface StatusUpdate {
  orderId: string;
  step: string;
  state: string;
  message: string;
  final: boolean;
  at: string;
}

const MAX_HISTORY = 50;

function parseStatus(value: unknown): StatusUpdate | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.step !== 'string' || typeof v.state !== 'string' || typeof v.message !== 'string') return undefined;
  return {
    orderId: String(v.orderId ?? ''),
    step: v.step.slice(0, 64),
    state: v.state.slice(0, 64),
    message: v.message.slice(0, 500),
    final: v.final === true,
    at: typeof v.at === 'string' ? v.at : new Date().toISOString(),
  };
}

/** A message to the page, carrying the sender's trace in its `wideline` field. */
function traced(message: Record<string, unknown>): string {
  return JSON.stringify(attachTraceContext(message, trace.getActiveSpan()?.spanContext()));
}

// Helpers live outside the class: instrumentDO traces every method of the class as an RPC method.
async function history(storage: DurableObjectStorage): Promise<StatusUpdate[]> {
  return (await storage.get<StatusUpdate[]>('history')) ?? [];
}

function sendSafely(ws: WebSocket, message: string): void {
  try {
    ws.send(message);
  } catch {
    wideEvent().increment('order.send_failed');
  }
}

export class OrderStatusBase extends DurableObject<Env> {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
      trace.getActiveSpan()?.updateName('OrderStatus.connect');
      const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
      // Hibernation API: the runtime holds the socket; the handlers below run per message.
      this.ctx.acceptWebSocket(server);
      return new Response(null, { status: 101, webSocket: client });
    }
    if (request.method === 'POST') {
      trace.getActiveSpan()?.updateName('OrderStatus.push');
      const status = parseStatus(await request.json().catch(() => undefined));
      if (!status) return Response.json({ error: 'expected { step, state, message }' }, { status: 400 });
      const past = await history(this.ctx.storage);
      // A saga that is replayed (its job retried, or re-picked after a crash) reports the steps it
      // finds done again: the page hears each status once.
      if (past.some((p) => p.step === status.step && p.state === status.state)) {
        wideEvent().setAll({ 'order.id': status.orderId, 'order.state': status.state, 'order.duplicate': true });
        return new Response(null, { status: 204 });
      }
      past.push(status);
      await this.ctx.storage.put('history', past.slice(-MAX_HISTORY));
      const sockets = this.ctx.getWebSockets();
      const message = traced({ type: 'order.status', ...status });
      for (const ws of sockets) sendSafely(ws, message);
      wideEvent().setAll({ 'order.id': status.orderId, 'order.state': status.state, 'order.watchers': sockets.length });
      return new Response(null, { status: 204 });
    }
    trace.getActiveSpan()?.updateName('OrderStatus.history');
    return Response.json(await history(this.ctx.storage));
  }

  /** A browser subscribes once its socket is open; it gets the history so far (it may have missed some). */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (typeof message !== 'string') return;
    let parsed: { type?: unknown };
    try {
      parsed = JSON.parse(message) as { type?: unknown };
    } catch {
      return;
    }
    if (parsed.type !== 'subscribe') return;
    const past = await history(this.ctx.storage);
    wideEvent().set('order.history_length', past.length);
    sendSafely(ws, traced({ type: 'order.history', statuses: past }));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }
}
