/**
 * Placing an order and following it: `POST /api/orders` on the edge API (traced, with trace headers
 * the API's CORS allows), then the order's status WebSocket, wrapped by `traceWebSocket` so each
 * message carries trace context both ways.
 */
import { traceWebSocket } from '@wideline/browser';
import { parseTraceresponse } from '@wideline/core';
import { config } from './config';

/** One status line, as the jobs service pushed it. */
export interface StatusLine {
  step: string;
  state: string;
  message: string;
  final: boolean;
  at: string;
}

/** An order as the page shows it. */
export interface OrderView {
  orderId: string;
  /** The trace the click started, from the API's `traceresponse` header. */
  traceId: string | undefined;
  /** The API's span in that trace (the same header): what a later error about this order belongs to. */
  serverSpan: { traceId: string; spanId: string; traceFlags: number } | undefined;
  failAt: string | undefined;
  statuses: StatusLine[];
  /** The saga's outcome once known: `completed`, `compensated` or `compensation_failed`. */
  outcome: string | undefined;
}

/** Places an order; throws when the API refuses it. */
export async function placeOrder(failAt: string | undefined): Promise<OrderView> {
  const response = await fetch(`${config.edgeApiUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: 2, ...(failAt ? { failAt } : {}) }),
  });
  const body = (await response.json()) as { orderId?: string; error?: string };
  if (!response.ok || !body.orderId) throw new Error(body.error ?? `the API answered ${response.status}`);
  const server = parseTraceresponse(response.headers.get('traceresponse'));
  return {
    orderId: body.orderId,
    traceId: server?.traceId,
    serverSpan: server ? { traceId: server.traceId, spanId: server.spanId, traceFlags: server.traceFlags } : undefined,
    failAt,
    statuses: [],
    outcome: undefined,
  };
}

function merge(known: StatusLine[], incoming: StatusLine[]): StatusLine[] {
  const key = (s: StatusLine) => `${s.at}|${s.step}|${s.state}`;
  const seen = new Set(known.map(key));
  return [...known, ...incoming.filter((s) => !seen.has(key(s)))].sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * Follows an order's status over its WebSocket until the outcome arrives. The Durable Object
 * replays what the page missed before the socket opened (answer to `subscribe`).
 */
export function followOrder(
  orderId: string,
  update: (apply: (statuses: StatusLine[]) => StatusLine[]) => void,
): () => void {
  const url = new URL(`/api/orders/${encodeURIComponent(orderId)}/ws`, config.edgeApiUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = traceWebSocket(new WebSocket(url));
  socket.socket.addEventListener('open', () => socket.send({ type: 'subscribe', orderId }));
  const stop = socket.onMessage((message) => {
    const incoming =
      message.type === 'order.history'
        ? ((message.statuses as StatusLine[] | undefined) ?? [])
        : message.type === 'order.status'
          ? [message as unknown as StatusLine]
          : [];
    update((statuses) => merge(statuses, incoming));
    if (incoming.some((s) => s.final)) socket.socket.close(1000, 'order settled');
  });
  return () => {
    stop();
    socket.socket.close(1000, 'page left');
  };
}
