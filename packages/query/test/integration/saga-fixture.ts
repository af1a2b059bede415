/**
 * The order journey as the demo records it — web → edge-api → jobs → worker running the order saga
 * (reserve-stock, charge, ship) — with the saga attributes and links of the contract
 * (/tmp/saga-contract.md, written by @wideline/bullmq). A failing run declines the charge and
 * compensates reserve-stock.
 */
import { type FixtureSpan, newSpanId, newTraceId } from './otlp.ts';

export interface SagaRun {
  traceId: string;
  orderId: string;
  spans: FixtureSpan[];
}

export function sagaRun(run: string, failing: boolean, t0 = Date.now() - 5_000): SagaRun {
  const traceId = newTraceId();
  const orderId = `o-${newSpanId().slice(0, 6)}`;
  const id = () => newSpanId();
  const saga = { 'wideline.saga.name': 'order', 'wideline.saga.id': orderId };
  const [click, fetchSpan, edge, edgeCall, http, add, proc] = [id(), id(), id(), id(), id(), id(), id()];
  const [reserve, charge, ship, undo] = [id(), id(), id(), id()];
  const svc = (s: string) => `${run}-${s}`;
  const spans: FixtureSpan[] = [
    { traceId, spanId: click, service: svc('web'), name: 'click place-order', startMs: t0, endMs: t0 + 60 },
    {
      traceId,
      spanId: fetchSpan,
      parentSpanId: click,
      service: svc('web'),
      name: 'POST /api/orders',
      kind: 'client',
      startMs: t0 + 2,
      endMs: t0 + 58,
    },
    {
      traceId,
      spanId: edge,
      parentSpanId: fetchSpan,
      service: svc('edge-api'),
      name: 'POST /api/orders',
      kind: 'server',
      startMs: t0 + 5,
      endMs: t0 + 55,
    },
    {
      traceId,
      spanId: edgeCall,
      parentSpanId: edge,
      service: svc('edge-api'),
      name: 'POST /orders',
      kind: 'client',
      startMs: t0 + 8,
      endMs: t0 + 52,
    },
    {
      traceId,
      spanId: http,
      parentSpanId: edgeCall,
      service: svc('jobs'),
      name: 'POST /orders',
      kind: 'server',
      startMs: t0 + 10,
      endMs: t0 + 50,
      attributes: { 'order.id': orderId, 'http.response.status_code': 202 },
    },
    {
      traceId,
      spanId: add,
      parentSpanId: http,
      service: svc('jobs'),
      name: 'orders add',
      kind: 'producer',
      startMs: t0 + 15,
      endMs: t0 + 20,
    },
    {
      traceId,
      spanId: proc,
      parentSpanId: add,
      service: svc('worker'),
      name: 'orders process',
      kind: 'consumer',
      startMs: t0 + 80,
      endMs: t0 + 400,
      attributes: {
        ...saga,
        'wideline.saga.outcome': failing ? 'compensated' : 'completed',
        ...(failing ? { 'wideline.saga.failed_step': 'charge' } : {}),
      },
      ...(failing ? { error: { message: 'saga order compensated after charge failed' } } : {}),
    },
    {
      traceId,
      spanId: reserve,
      parentSpanId: proc,
      service: svc('worker'),
      name: 'order.reserve-stock',
      startMs: t0 + 90,
      endMs: t0 + 150,
      attributes: {
        ...saga,
        'wideline.saga.role': 'step',
        'wideline.saga.step': 'reserve-stock',
        'wideline.saga.step_index': 0,
      },
    },
    {
      traceId,
      spanId: charge,
      parentSpanId: proc,
      service: svc('worker'),
      name: 'order.charge',
      startMs: t0 + 160,
      endMs: t0 + 260,
      attributes: {
        ...saga,
        'wideline.saga.role': 'step',
        'wideline.saga.step': 'charge',
        'wideline.saga.step_index': 1,
      },
      ...(failing
        ? {
            error: {
              message: 'card declined',
              exception: { type: 'PaymentDeclinedError', message: 'card declined (insufficient funds)' },
            },
          }
        : {}),
    },
  ];
  if (failing) {
    spans.push({
      traceId,
      spanId: undo,
      parentSpanId: proc,
      service: svc('worker'),
      name: 'order.reserve-stock.compensate',
      startMs: t0 + 270,
      endMs: t0 + 390,
      attributes: {
        ...saga,
        'wideline.saga.role': 'compensation',
        'wideline.saga.step': 'reserve-stock',
        'wideline.saga.compensates': 'reserve-stock',
        'wideline.saga.failed_step': 'charge',
        'wideline.saga.reason': 'card declined',
      },
      links: [
        { spanId: reserve, type: 'compensates' },
        { spanId: charge, type: 'failed_step' },
      ],
    });
  } else {
    spans.push({
      traceId,
      spanId: ship,
      parentSpanId: proc,
      service: svc('worker'),
      name: 'order.ship',
      startMs: t0 + 270,
      endMs: t0 + 390,
      attributes: {
        ...saga,
        'wideline.saga.role': 'step',
        'wideline.saga.step': 'ship',
        'wideline.saga.step_index': 2,
      },
    });
  }
  return { traceId, orderId, spans };
}
