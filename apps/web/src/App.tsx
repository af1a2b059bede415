/**
 * The demo shop: two buttons that place an order (one set up to fail at shipping, which makes the
 * saga refund and release stock), and a card per order with its live status. A failed order's card
 * throws while rendering; Sentry's ErrorBoundary catches it and reports it, and the Wideline
 * integration stamps the event with the trace of the click that placed the order.
 */
import * as Sentry from '@sentry/react';
import { useWideline } from '@wideline/browser/react';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { config } from './config';
import { followOrder, type OrderView, placeOrder, type StatusLine } from './orders';

/** Thrown (on render) for an order whose saga did not complete. */
class OrderFailedError extends Error {
  override name = 'OrderFailedError';
}

function Outcome({ order }: { order: OrderView }): ReactNode {
  const browser = useWideline();
  if (!order.outcome) return <p>working…</p>;
  if (order.outcome !== 'completed') {
    const failed = order.statuses.find((s) => s.state === 'failed');
    const undone = order.statuses.filter((s) => s.state === 'undone').map((s) => s.step);
    // Seconds after the click: the error says which order's trace it is about (else: the page view's).
    throw browser.errors.belongsTo(
      new OrderFailedError(
        `order ${order.orderId} ${order.outcome}: ${failed?.message ?? 'a step failed'} (undone: ${undone.join(', ') || 'nothing'})`,
      ),
      order.serverSpan,
    );
  }
  return <p className="outcome">✔ order completed</p>;
}

function OrderCard({ order }: { order: OrderView }): ReactNode {
  return (
    <section
      className="order"
      data-order-id={order.orderId}
      data-trace-id={order.traceId}
      data-state={order.outcome ?? 'pending'}
    >
      <strong>Order {order.orderId}</strong>
      {order.failAt ? <span> (set to fail at {order.failAt})</span> : null}
      {order.traceId ? (
        <div>
          trace{' '}
          <a href={`${config.jaegerUiUrl}/trace/${order.traceId}`} target="_blank" rel="noreferrer">
            <code>{order.traceId}</code>
          </a>
        </div>
      ) : null}
      <ol>
        {order.statuses.map((s: StatusLine) => (
          <li key={`${s.at}-${s.step}-${s.state}`} className={s.state}>
            {s.message}
          </li>
        ))}
      </ol>
      <Sentry.ErrorBoundary
        fallback={({ error }) => (
          <p className="order-error failed" role="alert">
            ✖ {error instanceof Error ? error.message : String(error)} — reported to Sentry
          </p>
        )}
      >
        <Outcome order={order} />
      </Sentry.ErrorBoundary>
    </section>
  );
}

export function App(): ReactNode {
  const [orders, setOrders] = useState<OrderView[]>([]);
  const [error, setError] = useState<string | undefined>();
  const sockets = useRef(new Set<() => void>());

  // The socket opens from the click's own async flow, so its `subscribe` message joins the click's trace.
  const place = useCallback(async (failAt?: string) => {
    setError(undefined);
    try {
      const order = await placeOrder(failAt);
      setOrders((list) => [order, ...list]);
      const stop = followOrder(order.orderId, (apply) =>
        setOrders((list) =>
          list.map((o) => {
            if (o.orderId !== order.orderId) return o;
            const statuses = apply(o.statuses);
            return { ...o, statuses, outcome: statuses.find((s) => s.final)?.state ?? o.outcome };
          }),
        ),
      );
      sockets.current.add(stop);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useEffect(() => {
    const open = sockets.current;
    return () => {
      for (const stop of open) stop();
      open.clear();
    };
  }, []);

  return (
    <main>
      <h1>Wideline demo shop</h1>
      <p>Each click is one trace: this page → the edge API (a Worker) → the jobs service → BullMQ workers.</p>
      <button id="place-order" type="button" onClick={() => void place()}>
        Place order
      </button>
      <button id="place-failing-order" type="button" onClick={() => void place('ship')}>
        Place failing order
      </button>
      {error ? <p className="failed">✖ {error}</p> : null}
      {orders.map((order) => (
        <OrderCard key={order.orderId} order={order} />
      ))}
    </main>
  );
}
