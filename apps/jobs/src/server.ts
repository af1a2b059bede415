/**
 * The HTTP endpoint: `POST /orders` enqueues an order's saga on the `orders` queue and answers 202
 * with the order id, or 503 at once while Redis is unreachable (the queue's connection does not
 * wait for it: see `producerConnection`); `GET /orders/:id` answers what became of the order (its
 * job's state, the saga's outcome, the effects in the ledger); `GET /health` answers `ok`.
 * Everything runs inside the request's SERVER span, so the queue's producer span — and the whole
 * saga — continue the caller's trace.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import { wideEvent } from '@wideline/core';
import type { Queue } from 'bullmq';
import type { Ledger } from './ledger.ts';
import { isStepJob, type Order } from './steps.ts';

/** The order job's options: its id is the order's, so a repeated request enqueues it once. */
export const ORDER_JOB = {
  /** An interrupted saga (a step's outcome unknown) is retried, and replayed, up to 5 times. */
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 86_400 },
  removeOnFail: { age: 86_400 },
} as const;

/** `order/<id>`: the order job's id. */
export const orderJobId = (orderId: string) => `order/${orderId}`;

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

/** Answers 503 for a queue that cannot take the order now; the request's span records why. */
function queueUnavailable(res: ServerResponse, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  trace.getActiveSpan()?.recordException(err);
  wideEvent().setAll({ 'queue.unavailable': true, 'error.type': err.name || 'Error' });
  res.setHeader('retry-after', '1');
  send(res, 503, { error: `the order queue is unavailable: ${err.message}` });
}

async function placeOrder(req: IncomingMessage, res: ServerResponse, orders: Queue, defaultFailAt: string | undefined) {
  let order: Order;
  try {
    order = parseOrder(await readJson(req), defaultFailAt);
  } catch (error) {
    if (!(error instanceof BadRequest)) throw error;
    send(res, 400, { error: error.message });
    return;
  }
  wideEvent().setAll({ 'order.id': order.orderId, 'order.fail_at': order.failAt ?? '' });
  try {
    const job = await orders.add('order', order, { ...ORDER_JOB, jobId: orderJobId(order.orderId) });
    send(res, 202, { orderId: order.orderId, jobId: job.id });
  } catch (error) {
    queueUnavailable(res, error);
  }
}

async function orderStatus(res: ServerResponse, orders: Queue, ledger: Ledger, orderId: string) {
  try {
    // The state first: once it is final, the job read after it is final too (read the other way
    // round, a job finishing in between would be 'failed' without its reason).
    const state = await orders.getJobState(orderJobId(orderId));
    const job = state === 'unknown' ? undefined : await orders.getJob(orderJobId(orderId));
    if (!job) return send(res, 404, { error: `no order ${orderId}` });
    const outcome = (job.returnvalue as { outcome?: string } | null)?.outcome;
    send(res, 200, {
      orderId,
      state,
      outcome: outcome ?? null,
      failedReason: job.failedReason || null,
      attemptsMade: job.attemptsMade,
      effects: await ledger.read(orderId),
    });
  } catch (error) {
    queueUnavailable(res, error);
  }
}

/** What the endpoint serves. */
export interface RouterDeps {
  /** The `orders` queue, on a connection that fails fast. */
  orders: Queue;
  ledger: Ledger;
  /** `JOBS_FAIL_AT`: the step an order fails at when it does not say. */
  defaultFailAt: string | undefined;
  /** The export pipeline's counters, for `GET /internal/telemetry`. */
  telemetry: () => unknown;
}

/** The request handler; returns the route it matched, which names the span. */
export function router(deps: RouterDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<string> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/health') {
      send(res, 200, { status: 'ok' });
      return 'GET /health';
    }
    if (req.method === 'POST' && path === '/orders') {
      await placeOrder(req, res, deps.orders, deps.defaultFailAt);
      return 'POST /orders';
    }
    const orderId = /^\/orders\/([\w-]{1,64})$/.exec(path)?.[1];
    if (req.method === 'GET' && orderId) {
      await orderStatus(res, deps.orders, deps.ledger, orderId);
      return 'GET /orders/:id';
    }
    if (req.method === 'GET' && path === '/internal/telemetry') {
      // Spans exported and dropped (and why): what a fault run compares with what reached Jaeger.
      send(res, 200, deps.telemetry());
      return 'GET /internal/telemetry';
    }
    send(res, 404, { error: 'not found' });
    return `${req.method} unknown`;
  };
}
