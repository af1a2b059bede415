/**
 * Pushes order status to the edge API, whose Durable Object broadcasts it to the order's WebSocket.
 * The push is a traced HTTP call, so each status message the browser receives belongs to the trace
 * of the click that placed the order. Pushing is best effort: an unreachable edge API never fails
 * the saga, it is counted on the wide event and warned about once.
 */
import type { Tracer } from '@opentelemetry/api';
import { wideEvent } from '@wideline/core';
import type { TailDecisions } from '@wideline/core/sdk';
import { tracedFetch } from './http-tracing.ts';

/** One status update, as the web page renders it. */
export interface OrderStatus {
  /** The step or compensation this is about, or `order` for the outcome. */
  step: string;
  /** `done`, `failed`, `undone`, or the saga outcome (`completed`, `compensated`, `compensation_failed`). */
  state: string;
  /** Human-readable line. */
  message: string;
  /** Whether this is the order's last update. */
  final: boolean;
}

export interface StatusPusher {
  push(orderId: string, status: OrderStatus): Promise<void>;
}

export function statusPusher(
  tracer: Tracer,
  edgeApiUrl: string,
  tail: TailDecisions | undefined,
  timeoutMs = 2000,
): StatusPusher {
  let warned = false;
  return {
    async push(orderId, status) {
      try {
        const response = await tracedFetch(
          tracer,
          `${edgeApiUrl}/internal/orders/${encodeURIComponent(orderId)}/status`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ ...status, orderId, at: new Date().toISOString() }),
            signal: AbortSignal.timeout(timeoutMs),
          },
          '/internal/orders/:id/status',
          tail,
        );
        await response.body?.cancel();
        if (!response.ok) throw new Error(`edge API answered ${response.status}`);
        wideEvent().increment('order.status_pushed');
      } catch (error) {
        wideEvent().increment('order.status_push_failed');
        if (!warned) {
          warned = true;
          console.warn(`[jobs] could not push order status to ${edgeApiUrl}: ${(error as Error).message}`);
        }
      }
    },
  };
}
