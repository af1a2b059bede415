/**
 * Orders placed the way the web page places them (`POST /api/orders` on the edge API), without a
 * browser: each answer's status, latency and `traceresponse` trace id are kept, so a fault run can
 * read every order's story back from Jaeger afterwards.
 */

/** One `POST /api/orders` and what came back. */
export interface PlacedOrder {
  /** The order id the edge API gave it (only for a 202). */
  orderId: string | undefined;
  /** HTTP status, or 0 when the request failed or timed out. */
  status: number;
  /** Wall time of the request, ms. */
  ms: number;
  /** From the answer's `traceresponse` (also on a 5xx, when the SDK answered). */
  traceId: string | undefined;
  /** The step the order asked to fail, if any. */
  failAt: string | undefined;
  /** Why the request failed (network error, timeout), when it did. */
  error?: string;
}

const TRACERESPONSE = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Places one order; never throws (a failed request is a {@link PlacedOrder} with status 0). */
export async function placeOrder(
  edgeUrl: string,
  options: { failAt?: string; timeoutMs?: number } = {},
): Promise<PlacedOrder> {
  const started = performance.now();
  try {
    const response = await fetch(`${edgeUrl}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(options.failAt ? { failAt: options.failAt } : {}),
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    const body = (await response.json().catch(() => ({}))) as { orderId?: unknown };
    const traceId = TRACERESPONSE.exec(response.headers.get('traceresponse') ?? '')?.[1];
    return {
      orderId: response.status === 202 && typeof body.orderId === 'string' ? body.orderId : undefined,
      status: response.status,
      ms: performance.now() - started,
      traceId,
      failAt: options.failAt,
    };
  } catch (error) {
    return {
      orderId: undefined,
      status: 0,
      ms: performance.now() - started,
      traceId: undefined,
      failAt: options.failAt,
      error: (error as Error).name === 'TimeoutError' ? 'timeout' : String((error as Error).message),
    };
  }
}

/** What a batch of orders looks like: how many, how many at once, which ones fail on purpose. */
export interface OrderBatch {
  count: number;
  /** Requests in flight at once. Default 10. */
  concurrency?: number;
  /** Every n-th order asks to fail at `failAt` (default `ship`), so it must be compensated. 0: none. */
  failEvery?: number;
  failAt?: string;
  timeoutMs?: number;
}

/** Places `batch.count` orders, `concurrency` at a time, in order. */
export async function placeOrders(edgeUrl: string, batch: OrderBatch): Promise<PlacedOrder[]> {
  const placed: PlacedOrder[] = new Array(batch.count);
  let next = 0;
  const failEvery = batch.failEvery ?? 0;
  const lane = async () => {
    while (next < batch.count) {
      const i = next++;
      const failAt = failEvery > 0 && i % failEvery === failEvery - 1 ? (batch.failAt ?? 'ship') : undefined;
      placed[i] = await placeOrder(edgeUrl, {
        ...(failAt ? { failAt } : {}),
        ...(batch.timeoutMs ? { timeoutMs: batch.timeoutMs } : {}),
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(batch.concurrency ?? 10, batch.count) }, lane));
  return placed;
}

/** The `p`-th percentile (0–100) of `values`, nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** p50 and p95 of the requests' latencies, ms. */
export function latency(orders: readonly PlacedOrder[]): { p50: number; p95: number } {
  const ms = orders.map((o) => o.ms);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

/** How many answers had each status (`0`: no answer). */
export function statusCounts(orders: readonly PlacedOrder[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of orders) counts[String(o.status)] = (counts[String(o.status)] ?? 0) + 1;
  return counts;
}
