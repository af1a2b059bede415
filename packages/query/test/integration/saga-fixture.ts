/**
 * The order journey as the demo records it — web → edge-api → jobs → worker running the order saga
 * (reserve-stock, charge, ship) — shaped like @wideline/bullmq's `runSaga` output: a `saga order` span
 * under the job's wide event, `saga.step <name>` and `saga.compensate <name>` spans with the saga
 * attributes and typed links of the saga contract. A failing run has the payment call answer 402
 * inside the charge step and compensates reserve-stock.
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
  const [click, fetchSpan, edge, edgeCall, http, add, proc, sagaSpan] = [
    id(),
    id(),
    id(),
    id(),
    id(),
    id(),
    id(),
    id(),
  ];
  const [reserve, charge, payment, ship, undo] = [id(), id(), id(), id(), id()];
  const svc = (s: string) => `${run}-${s}`;
  const outcome = {
    ...saga,
    'wideline.saga.outcome': failing ? 'compensated' : 'completed',
    ...(failing ? { 'wideline.saga.failed_step': 'charge' } : {}),
  };
  const declined = {
    message: 'card declined',
    exception: { type: 'PaymentDeclinedError', message: 'card declined (insufficient funds)' },
  };
  const worker = svc('worker');
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
      service: worker,
      name: 'orders process',
      kind: 'consumer',
      startMs: t0 + 80,
      endMs: t0 + 400,
      attributes: outcome,
      ...(failing ? { error: declined } : {}),
    },
    {
      traceId,
      spanId: sagaSpan,
      parentSpanId: proc,
      service: worker,
      name: 'saga order',
      startMs: t0 + 85,
      endMs: t0 + 395,
      attributes: outcome,
      ...(failing ? { error: declined } : {}),
    },
    {
      traceId,
      spanId: reserve,
      parentSpanId: sagaSpan,
      service: worker,
      name: 'saga.step reserve-stock',
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
      parentSpanId: sagaSpan,
      service: worker,
      name: 'saga.step charge',
      startMs: t0 + 160,
      endMs: t0 + 260,
      attributes: {
        ...saga,
        'wideline.saga.role': 'step',
        'wideline.saga.step': 'charge',
        'wideline.saga.step_index': 1,
      },
      ...(failing ? { error: declined } : {}),
    },
    {
      traceId,
      spanId: payment,
      parentSpanId: charge,
      service: worker,
      name: 'POST /payments',
      kind: 'client',
      startMs: t0 + 170,
      endMs: t0 + 250,
      attributes: { 'http.response.status_code': failing ? 402 : 200 },
      ...(failing ? { error: { message: 'HTTP 402 Payment Required' } } : {}),
    },
  ];
  if (failing) {
    spans.push({
      traceId,
      spanId: undo,
      parentSpanId: sagaSpan,
      service: worker,
      name: 'saga.compensate reserve-stock',
      startMs: t0 + 270,
      endMs: t0 + 390,
      attributes: {
        ...saga,
        'wideline.saga.role': 'compensation',
        'wideline.saga.step': 'reserve-stock',
        'wideline.saga.compensates': 'reserve-stock',
        'wideline.saga.failed_step': 'charge',
        'wideline.saga.reason': 'card declined (insufficient funds)',
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
      parentSpanId: sagaSpan,
      service: worker,
      name: 'saga.step ship',
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
