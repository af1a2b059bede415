/**
 * W3C Trace Context through BullMQ against real Redis, read on the wire: the creation context a job
 * stores (read back from Redis with plain BullMQ, not through Wideline), what the consumer's attempt
 * continues, and the context a job added by that consumer stores in turn. Under an unsampled
 * request, a sampled one, both with the Level 2 random-trace-id flag, and a new root.
 */
import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { remoteContext } from '@wideline/core';
import { checkPropagation, type ReceivedHeaders, W3C_PARENT_ID, W3C_TRACE_ID, type W3CCase } from '@wideline/testkit';
import { Queue as BullQueue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { Queue, Worker } from '../../src/index';
import { deferred, REDIS, useIntegrationSuite } from './setup';

const TRACESTATE = 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE';
const parent = (flags: string) => `00-${W3C_TRACE_ID}-${W3C_PARENT_ID}-${flags}`;

const CASES: W3CCase[] = [
  {
    name: 'unsampled request (00) with tracestate',
    source: '§3.5 mutations; §3.2.2.5.1 sampled flag',
    headers: [
      ['traceparent', parent('00')],
      ['tracestate', TRACESTATE],
    ],
    expect: { trace: 'same', flags: '00', tracestate: TRACESTATE },
  },
  {
    name: 'sampled request (01) with tracestate',
    source: '§3.2.2.5.1 sampled flag',
    headers: [
      ['traceparent', parent('01')],
      ['tracestate', TRACESTATE],
    ],
    expect: { trace: 'same', flags: '01', tracestate: TRACESTATE },
  },
  {
    name: 'unsampled request with the random flag (02)',
    source: 'Level 2 §3.2.2.5.2',
    headers: [['traceparent', parent('02')]],
    expect: { trace: 'same', flags: '02', tracestate: null },
  },
  {
    name: 'sampled request with the random flag (03)',
    source: 'Level 2 §3.2.2.5.2',
    headers: [['traceparent', parent('03')]],
    expect: { trace: 'same', flags: '03', tracestate: null },
  },
  {
    name: 'no parent: the request is a new random root',
    source: 'Level 2 §3.2.2.5.2',
    headers: [],
    expect: { trace: 'new', flags: '03', tracestate: null },
  },
];

interface Continued {
  traceId: string;
  flags: string;
  tracestate: string | null;
  childJobId: string | undefined;
}

/** The `telemetry.metadata` of a job as stored in Redis, read with BullMQ itself. */
async function storedContext(queueName: string, jobId: string): Promise<ReceivedHeaders> {
  const raw = new BullQueue(queueName, { connection: REDIS });
  try {
    const job = await raw.getJob(jobId);
    const metadata = (job?.opts as { telemetry?: { metadata?: string } } | undefined)?.telemetry?.metadata;
    return metadata ? (JSON.parse(metadata) as ReceivedHeaders) : {};
  } finally {
    await raw.close();
  }
}

describe('W3C Trace Context through BullMQ and real Redis', () => {
  const suite = useIntegrationSuite(`bullmq-int-w3c-${process.pid}`);
  const { open, name } = suite;

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const [first, second] = [name('w3c-first'), name('w3c-second')];
    const queue = open(new Queue(first, { connection: REDIS }));
    const next = open(new Queue(second, { connection: REDIS }));
    const continued = deferred<Continued>();
    open(
      new Worker(
        first,
        async () => {
          const active = trace.getActiveSpan()?.spanContext();
          const child = await next.add('next', {}, { removeOnComplete: false });
          continued.resolve({
            traceId: active?.traceId ?? '',
            flags: (active?.traceFlags ?? -1).toString(16).padStart(2, '0'),
            tracestate: active?.traceState?.serialize() || null,
            childJobId: child.id,
          });
        },
        { connection: REDIS },
      ),
    );

    // A request handler: its SERVER span continues the caller (or starts a trace), and adds the job.
    const headers = Object.fromEntries(testCase.headers);
    const caller = remoteContext(headers.traceparent, headers.tracestate) ?? ROOT_CONTEXT;
    const request = suite.tracing.tracer.startSpan('POST /orders', { kind: SpanKind.SERVER }, caller);
    const job = await context.with(trace.setSpan(caller, request), () =>
      queue.add('order', { n: 1 }, { removeOnComplete: false }),
    );
    request.end();

    const stored = await storedContext(first, job.id as string);
    const seen = await continued.promise;
    const [, storedTrace, , storedFlags] = String(stored.traceparent).split('-');
    const childStored = await storedContext(second, seen.childJobId as string);
    expect({
      'stored by the producer': checkPropagation(testCase, [stored]),
      'continued by the consumer': seen.traceId === storedTrace && seen.flags === storedFlags,
      'tracestate in the consumer': seen.tracestate,
      'stored by the consumer (second hop)': checkPropagation(testCase, [childStored]),
    }).toEqual({
      'stored by the producer': [],
      'continued by the consumer': true,
      'tracestate in the consumer': testCase.expect.tracestate,
      'stored by the consumer (second hop)': [],
    });
  });
});
