/**
 * The HTTP endpoint: `POST /orders` enqueues an order's saga on the `orders` queue and answers 202
 * with the order id; `GET /health` answers `ok`. Everything runs inside the request's SERVER span,
 * so the queue's producer span — and the whole saga — continue the caller's trace.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { wideEvent } from '@wideline/core';
import type { Queue } from 'bullmq';
import { isStepJob, type Order } from './steps.ts';

const MAX_BODY_BYTES = 16 * 1024;

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('body too large');
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new BadRequest('body must be a JSON object');
}

class BadRequest extends Error {}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Validates an order request; unknown or malformed fields fall back to defaults or are rejected. */
export function parseOrder(body: Record<string, unknown>, defaultFailAt: string | undefined): Order {
  const orderId =
    typeof body.orderId === 'string' && /^[\w-]{1,64}$/.test(body.orderId) ? body.orderId : randomUUID().slice(0, 8);
  const failAt = body.failAt === undefined ? defaultFailAt : body.failAt;
  if (failAt !== undefined && failAt !== null && (typeof failAt !== 'string' || !isStepJob(failAt)))
    throw new BadRequest(`failAt must be one of reserve, charge, ship, release-stock, refund`);
  const items = Number.isInteger(body.items) && (body.items as number) > 0 ? (body.items as number) : 1;
  return { orderId, items, amountCents: items * 1250, failAt: (failAt as string | null) ?? undefined };
}

/** The request handler; returns the route it matched, which names the span. */
export function router(orders: Queue, defaultFailAt: string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<string> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/health') {
      send(res, 200, { status: 'ok' });
      return 'GET /health';
    }
    if (req.method === 'POST' && path === '/orders') {
      let order: Order;
      try {
        order = parseOrder(await readJson(req), defaultFailAt);
      } catch (error) {
        if (!(error instanceof BadRequest)) throw error;
        send(res, 400, { error: error.message });
        return 'POST /orders';
      }
      wideEvent().setAll({ 'order.id': order.orderId, 'order.fail_at': order.failAt ?? '' });
      const job = await orders.add('order', order, { attempts: 1, removeOnComplete: 1000, removeOnFail: 1000 });
      send(res, 202, { orderId: order.orderId, jobId: job.id });
      return 'POST /orders';
    }
    send(res, 404, { error: 'not found' });
    return `${req.method} unknown`;
  };
}
