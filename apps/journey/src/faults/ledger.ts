/**
 * What the jobs service says became of an order (`GET /orders/:id`): its job's state, the saga's
 * outcome and the effects in its ledger — the customer's side of the story, read without Jaeger.
 */

/** `GET /orders/:id`'s answer. */
export interface OrderRecord {
  orderId: string;
  state: string;
  outcome: string | null;
  failedReason: string | null;
  attemptsMade: number;
  /** Effect name → id of the job that applied it. */
  effects: Record<string, string>;
}

/** The record, or `undefined` when the service has no such order (404) or cannot answer. */
export async function readOrder(jobsUrl: string, orderId: string): Promise<OrderRecord | undefined> {
  try {
    const response = await fetch(`${jobsUrl}/orders/${encodeURIComponent(orderId)}`, {
      signal: AbortSignal.timeout(5000),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return undefined;
    }
    return (await response.json()) as OrderRecord;
  } catch {
    return undefined;
  }
}

/** The saga's outcome from a record: a completed job's return value, a failed one's reason. */
export function outcomeOf(record: OrderRecord | undefined): string | undefined {
  if (!record) return undefined;
  if (record.state === 'completed') return record.outcome ?? 'completed';
  if (record.state !== 'failed') return undefined;
  const reason = record.failedReason ?? '';
  return ['compensation_failed', 'compensated', 'interrupted'].find((o) => reason.includes(` ${o} `));
}

/** Polls until every order's job has finished (completed or failed) or the time is up. */
export async function waitForOrders(
  jobsUrl: string,
  orderIds: readonly string[],
  timeoutMs = 60_000,
): Promise<Map<string, OrderRecord | undefined>> {
  const records = new Map<string, OrderRecord | undefined>();
  const deadline = Date.now() + timeoutMs;
  let pending = [...orderIds];
  while (pending.length > 0) {
    const read = await Promise.all(pending.map(async (id) => [id, await readOrder(jobsUrl, id)] as const));
    pending = [];
    for (const [id, record] of read) {
      records.set(id, record);
      if (record?.state !== 'completed' && record?.state !== 'failed') pending.push(id);
    }
    if (pending.length === 0 || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return records;
}
