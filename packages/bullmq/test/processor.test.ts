import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { createTracing, wideEvent } from '@wideline/core';
import { type SandboxedJob, UnrecoverableError } from 'bullmq';
import { describe, expect, it, vi } from 'vitest';
import { encodeMetadata, type TracedJobLike, tracedProcessor } from '../src/index';
import { memoryTracing } from './helpers';

const creation = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

/**
 * The fields the wrapper reads, typed as the `SandboxedJob` an unannotated processor receives (the
 * wrapper reads nothing else, so the rest of BullMQ's job API is left out).
 */
function job(extra: Record<string, unknown> = {}): SandboxedJob & { logs: string[] } {
  const logs: string[] = [];
  return {
    logs,
    id: '7',
    name: 'charge',
    queueName: 'orders',
    opts: { attempts: 3, telemetry: { metadata: encodeMetadata(creation) } },
    timestamp: Date.now() - 40,
    processedOn: Date.now() - 10,
    attemptsMade: 0,
    attemptsStarted: 1,
    stalledCounter: 0,
    log: async (row: string) => logs.push(row),
    ...extra,
  } as unknown as SandboxedJob & { logs: string[] };
}

describe('tracedProcessor', () => {
  it('makes the first attempt a CONSUMER child of the creation context, carrying the wide event', async () => {
    const { tracing, finished } = memoryTracing();
    const j = job();
    const run = tracedProcessor(
      async (_job: typeof j) => {
        wideEvent().set('order.id', 'o-1');
        return { ok: true };
      },
      { tracer: tracing.tracer, attemptLogAfterMs: 0 },
    );
    await expect(run(j)).resolves.toEqual({ ok: true });
    const [span] = await finished();
    expect(span?.name).toBe('process orders');
    expect(span?.kind).toBe(SpanKind.CONSUMER);
    expect(span?.spanContext().traceId).toBe(creation.traceId);
    expect(span?.parentSpanContext?.spanId).toBe(creation.spanId);
    expect(span?.links).toEqual([]);
    expect(span?.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'orders',
      'messaging.message.id': '7',
      'messaging.bullmq.job.name': 'charge',
      'messaging.bullmq.job.attempt': 1,
      'messaging.bullmq.job.max_attempts': 3,
      'messaging.bullmq.job.final_attempt': false,
      'messaging.bullmq.job.start_reason': 'fresh',
      'messaging.bullmq.job.outcome': 'completed',
      'messaging.bullmq.job.result_size': 11,
      'order.id': 'o-1',
    });
    expect(span?.attributes['messaging.bullmq.job.queue_wait_ms']).toBeGreaterThanOrEqual(25);
    expect(typeof span?.attributes['messaging.bullmq.job.processing_ms']).toBe('number');
    expect(j.logs).toEqual([`wideline.attempt 1 00-${creation.traceId}-${span?.spanContext().spanId}-01`]);
  });

  it('records a retryable failure as ERROR, not final; the error reaches BullMQ unchanged', async () => {
    const { tracing, finished } = memoryTracing();
    const boom = new TypeError('card declined');
    const run = tracedProcessor(
      async () => {
        throw boom;
      },
      { tracer: tracing.tracer },
    );
    await expect(run(job({ attemptsMade: 1, attemptsStarted: 2 }))).rejects.toBe(boom);
    const [span] = await finished();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card declined' });
    expect(span?.attributes).toMatchObject({
      'error.type': 'TypeError',
      'messaging.bullmq.job.outcome': 'retry',
      'messaging.bullmq.job.final_attempt': false,
      'messaging.bullmq.job.attempt': 2,
      'messaging.bullmq.job.start_reason': 'retry',
    });
    expect(span?.parentSpanContext).toBeUndefined();
    expect(span?.links[0]?.context.spanId).toBe(creation.spanId);
    expect(span?.events.map((e) => e.name)).toContain('exception');
  });

  it('reports an UnrecoverableError as the final failure, once, to the Sentry-like client', async () => {
    const { tracing, finished } = memoryTracing();
    const captured: unknown[] = [];
    const events: Record<string, unknown>[] = [];
    const sentry = {
      withScope: (cb: (scope: never) => void) =>
        cb({
          addEventProcessor: (p: (e: Record<string, unknown>) => unknown) =>
            events.push(p({}) as Record<string, unknown>),
          setTag: () => undefined,
          setContext: () => undefined,
        } as never),
      captureException: (e: unknown) => captured.push(e),
    };
    const run = tracedProcessor(
      async () => {
        throw new UnrecoverableError('gone');
      },
      { tracer: tracing.tracer, sentry },
    );
    await expect(run(job())).rejects.toThrow('gone');
    const [span] = await finished();
    expect(span?.attributes).toMatchObject({
      'messaging.bullmq.job.outcome': 'failed',
      'messaging.bullmq.job.final_attempt': true,
      'error.type': 'UnrecoverableError',
    });
    expect(captured).toHaveLength(1);
    expect(events[0]).toMatchObject({ tags: { trace_id: creation.traceId } });
  });

  it("links the Sentry report to the registered tracing's Jaeger UI unless jaegerUiUrl is given", async () => {
    const registered = createTracing({
      serviceName: 'jobs',
      env: { WIDELINE_JAEGER_UI_URL: 'https://jaeger.example.com' },
      exporter: new InMemorySpanExporter(),
    });
    const jaegerUrls: unknown[] = [];
    const sentry = {
      withScope: (cb: (scope: never) => void) =>
        cb({
          addEventProcessor: (p: (e: { contexts?: { otel?: { jaeger_url?: string } } }) => typeof e) =>
            jaegerUrls.push(p({}).contexts?.otel?.jaeger_url),
          setTag: () => undefined,
          setContext: () => undefined,
        } as never),
      captureException: () => undefined,
    };
    const failing = async () => {
      throw new UnrecoverableError('gone');
    };
    try {
      await expect(tracedProcessor(failing, { sentry })(job())).rejects.toThrow('gone');
      const given = tracedProcessor(failing, { sentry, jaegerUiUrl: 'https://ui.example.com' });
      await expect(given(job())).rejects.toThrow('gone');
    } finally {
      await registered.shutdown();
      trace.disable();
    }
    expect(jaegerUrls).toEqual([
      expect.stringMatching(/^https:\/\/jaeger\.example\.com\/trace\/[0-9a-f]{32}$/),
      expect.stringMatching(/^https:\/\/ui\.example\.com\/trace\/[0-9a-f]{32}$/),
    ]);
  });

  it('a sampled-out attempt propagates its context but records and writes nothing, and still reports to Sentry', async () => {
    const { tracing, finished } = memoryTracing();
    const unsampled = { ...creation, traceFlags: 0 };
    const captured: unknown[] = [];
    const sentry = {
      withScope: (cb: (scope: never) => void) =>
        cb({ addEventProcessor: () => undefined, setTag: () => undefined, setContext: () => undefined } as never),
      captureException: (e: unknown) => captured.push(e),
    };
    const seen: Array<{ traceId: string; traceFlags: number } | undefined> = [];
    const run = tracedProcessor(
      async (j: TracedJobLike & { fail?: boolean }) => {
        seen.push(trace.getActiveSpan()?.spanContext());
        if (j.fail) throw new UnrecoverableError('gone');
        return 'ok';
      },
      { tracer: tracing.tracer, attemptLogAfterMs: 0, sentry },
    );
    const ok = job({ opts: { attempts: 3, telemetry: { metadata: encodeMetadata(unsampled) } } });
    await expect(run(ok)).resolves.toBe('ok');
    const failing = job({
      opts: { attempts: 3, telemetry: { metadata: encodeMetadata(unsampled) } },
      fail: true,
    });
    await expect(run(failing)).rejects.toThrow('gone');
    // Jobs the processor adds carry the creation trace and its "not sampled" decision.
    expect(seen[0]).toMatchObject({ traceId: creation.traceId, traceFlags: 0 });
    expect(ok.logs).toEqual([]);
    expect(failing.logs).toEqual([]);
    expect(await finished()).toEqual([]);
    expect(captured).toHaveLength(1);
  });

  it('writes attempt lines on time for many overlapping attempts, only for the ones still running', async () => {
    const { tracing } = memoryTracing();
    const run = tracedProcessor(async (j: TracedJobLike & { ms?: number }) => new Promise((r) => setTimeout(r, j.ms)), {
      tracer: tracing.tracer,
      attemptLogAfterMs: 30,
    });
    const jobs = [5, 80, 10, 80, 5, 60].map((ms, i) => job({ id: String(i), ms }));
    const began = performance.now();
    const ran = jobs.map(async (j) => {
      await run(j);
      return j.logs.length;
    });
    await new Promise((r) => setTimeout(r, 50));
    // By now the three long attempts have had their line written, the short ones never will.
    expect(jobs.map((j) => j.logs.length)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(performance.now() - began).toBeGreaterThanOrEqual(30);
    await Promise.all(ran);
    expect(jobs.map((j) => j.logs.length)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('throws at start-up for a bad option, naming it and the fix', () => {
    const fn = async () => 1;
    expect(() => tracedProcessor(fn, { policy: 'sometimes' as never })).toThrow(
      "wideline.policy: 'sometimes' is not a policy. Fix: use 'link', 'parent' or 'both'",
    );
    expect(() => tracedProcessor(fn, { maxParentAgeMs: -1 })).toThrow(/wideline.maxParentAgeMs/);
    expect(() => tracedProcessor(fn, { attemptLogAfterMs: Number.NaN })).toThrow(/wideline.attemptLogAfterMs/);
  });

  it('keeps the processor’s arity, which BullMQ reads to decide whether to pass an AbortSignal', () => {
    const withSignal = async (_job: { name: string }, _token?: string, _signal?: AbortSignal) => 1;
    expect(tracedProcessor(withSignal).length).toBe(3);
    expect(tracedProcessor(async (_job: { name: string }) => 1).length).toBe(1);
  });

  it('a processor that throws a non-error, and a job without any fields, never break tracing', async () => {
    const { tracing, finished } = memoryTracing();
    const onWarning = vi.fn();
    const run = tracedProcessor(
      async (_job: { name: string }) => {
        throw 'plain string';
      },
      { tracer: tracing.tracer, onWarning },
    );
    await expect(run({ name: 'x' })).rejects.toBe('plain string');
    const [span] = await finished();
    expect(span?.name).toBe('process unknown');
    expect(span?.attributes['messaging.bullmq.job.start_reason']).toBe('none');
    expect(onWarning).not.toHaveBeenCalled();
  });

  it('a failing job log costs a single warning, never the job', async () => {
    const { tracing } = memoryTracing();
    const onWarning = vi.fn();
    const run = tracedProcessor(async () => 1, { tracer: tracing.tracer, onWarning, attemptLogAfterMs: 0 });
    const failing = job({ log: () => Promise.reject(new Error('redis down')) });
    await expect(run(failing)).resolves.toBe(1);
    await expect(run(failing)).resolves.toBe(1);
    await new Promise((r) => setTimeout(r, 10));
    expect(onWarning).toHaveBeenCalledTimes(1);
  });

  it('writes the attempt log only for attempts that outlive attemptLogAfterMs', async () => {
    const { tracing } = memoryTracing();
    const slow = tracedProcessor(async () => new Promise((r) => setTimeout(r, 60)), {
      tracer: tracing.tracer,
      attemptLogAfterMs: 20,
    });
    const [quickJob, slowJob] = [job(), job()];
    await tracedProcessor(async () => 1, { tracer: tracing.tracer, attemptLogAfterMs: 20 })(quickJob);
    await slow(slowJob);
    await new Promise((r) => setTimeout(r, 40));
    expect(quickJob.logs).toEqual([]);
    expect(slowJob.logs).toHaveLength(1);
    expect(slowJob.logs[0]).toMatch(/^wideline\.attempt 1 00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
  });

  it('links a flow parent to its children and a re-picked stalled job to its crashed attempt', async () => {
    const { tracing, finished } = memoryTracing();
    const child = { ...creation, spanId: '1111111111111111' };
    const crashed = `wideline.attempt 1 00-${creation.traceId}-2222222222222222-01`;
    const run = tracedProcessor(async () => 'ok', {
      tracer: tracing.tracer,
      readJobLog: async () => ['user line', crashed],
    });
    await run(
      job({
        opts: { telemetry: { metadata: encodeMetadata(creation, [child]) } },
        attemptsStarted: 2,
        stalledCounter: 1,
      }),
    );
    const [span] = await finished();
    expect(span?.parentSpanContext?.spanId).toBe(creation.spanId);
    expect(span?.attributes['messaging.bullmq.job.start_reason']).toBe('stalled');
    expect(span?.links.map((l) => [l.context.spanId, l.attributes?.['wideline.link.type']])).toEqual([
      ['2222222222222222', 'previous_attempt'],
      ['1111111111111111', 'child'],
    ]);
  });
});

describe('sampling decisions', () => {
  it("shows a sampler the messaging conventions' creation attributes (system, destination, operation), not the job's own", async () => {
    const seen: Array<Record<string, unknown>> = [];
    // Drops every span, after noting what it was shown: what a sampler decides on.
    const sampler = {
      shouldSample: (
        _ctx: unknown,
        _traceId: string,
        _name: string,
        _kind: unknown,
        attributes: Record<string, unknown>,
      ) => {
        seen.push({ ...attributes });
        return { decision: SamplingDecision.NOT_RECORD };
      },
      toString: () => 'drop-all',
    };
    const provider = new BasicTracerProvider({ sampler });
    const run = tracedProcessor(async () => 'done', { tracer: provider.getTracer('t') });
    await expect(run(job())).resolves.toBe('done');
    expect(seen).toEqual([
      {
        'messaging.system': 'bullmq',
        'messaging.destination.name': 'orders',
        'messaging.operation.name': 'process',
        'messaging.operation.type': 'process',
      },
    ]);
  });
});
