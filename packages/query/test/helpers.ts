import { type Span, TraceGraph } from '../src/index.ts';

export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

/** A span with readable defaults; times in milliseconds from 0 (converted to µs since an epoch). */
export function span(
  spanId: string,
  parent: string | undefined,
  startMs: number,
  endMs: number,
  extra: Partial<Omit<Span, 'startUs' | 'endUs'>> = {},
): Span {
  const epochUs = 1_790_000_000_000_000;
  return {
    traceId: TRACE_ID,
    spanId,
    parentSpanId: parent,
    name: spanId,
    kind: 'internal',
    service: 'svc',
    attributes: {},
    resource: {},
    status: { code: 'UNSET', message: undefined },
    events: [],
    links: [],
    ...extra,
    startUs: epochUs + startMs * 1000,
    endUs: epochUs + endMs * 1000,
  };
}

export function failed(message: string, exception?: { type: string; message: string }): Partial<Span> {
  return {
    status: { code: 'ERROR', message },
    events: exception
      ? [
          {
            name: 'exception',
            timeUs: 0,
            attributes: { 'exception.type': exception.type, 'exception.message': exception.message },
          },
        ]
      : [],
  };
}

/**
 * The order saga as @wideline/bullmq records it: POST /orders (web) → edge → jobs HTTP → saga with
 * reserve-stock ok, charge failing, and the compensation of reserve-stock (linked to the step it
 * undoes and to the failed step).
 */
export function sagaTrace(compensationFails = false): Span[] {
  const saga = { 'wideline.saga.name': 'order', 'wideline.saga.id': 'o-42' };
  return [
    span('a1', undefined, 0, 40, { name: 'click checkout', service: 'web', kind: 'internal' }),
    span('a2', 'a1', 1, 38, { name: 'POST /api/orders', service: 'web', kind: 'client' }),
    span('b1', 'a2', 2, 36, { name: 'POST /api/orders', service: 'edge-api', kind: 'server' }),
    span('b2', 'b1', 3, 35, { name: 'POST /orders', service: 'edge-api', kind: 'client' }),
    span('c1', 'b2', 4, 34, { name: 'POST /orders', service: 'jobs', kind: 'server' }),
    span('c2', 'c1', 5, 8, { name: 'order add', service: 'jobs', kind: 'producer' }),
    span('d1', 'c2', 50, 400, {
      name: 'order process',
      service: 'jobs-worker',
      kind: 'consumer',
      attributes: { ...saga, 'wideline.saga.outcome': 'compensated', 'wideline.saga.failed_step': 'charge' },
      ...failed('charge failed'),
    }),
    span('d2', 'd1', 60, 120, {
      name: 'order.reserve-stock',
      service: 'jobs-worker',
      attributes: {
        ...saga,
        'wideline.saga.role': 'step',
        'wideline.saga.step': 'reserve-stock',
        'wideline.saga.step_index': 0,
      },
    }),
    span('d3', 'd1', 130, 250, {
      name: 'order.charge',
      service: 'jobs-worker',
      attributes: {
        ...saga,
        'wideline.saga.role': 'step',
        'wideline.saga.step': 'charge',
        'wideline.saga.step_index': 1,
      },
      ...failed('card declined', { type: 'PaymentDeclined', message: 'card declined' }),
    }),
    span('d4', 'd1', 260, 390, {
      name: 'order.reserve-stock compensate',
      service: 'jobs-worker',
      attributes: {
        ...saga,
        'wideline.saga.role': 'compensation',
        'wideline.saga.step': 'reserve-stock',
        'wideline.saga.compensates': 'reserve-stock',
        'wideline.saga.failed_step': 'charge',
        'wideline.saga.reason': 'card declined',
      },
      links: [
        { traceId: TRACE_ID, spanId: 'd2', attributes: { 'wideline.link.type': 'compensates' } },
        { traceId: TRACE_ID, spanId: 'd3', attributes: { 'wideline.link.type': 'failed_step' } },
      ],
      ...(compensationFails ? failed('stock service down', { type: 'Error', message: 'ECONNREFUSED' }) : {}),
    }),
  ];
}

export function graphOf(spans: Span[]): TraceGraph {
  return TraceGraph.fromSpans(spans);
}

export function names(nodes: readonly { span: Span }[]): string[] {
  return nodes.map((n) => n.span.spanId);
}
