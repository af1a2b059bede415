import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { answerTraceresponse, followTraceresponse, parseTraceresponse, W3CPropagator } from '../src/index';
import { parseTraceparent } from '../src/sdk';
import { memoryTracing } from './helpers';

describe('tail decisions across hops (traceresponse)', () => {
  it('a callee that keeps the trace makes the caller keep its own part', async () => {
    // Both drop healthy units (probability 0); only the callee sees an error.
    const caller = memoryTracing({ serviceName: 'caller', sampling: { tail: { probability: 0 } } });
    const callee = memoryTracing({ serviceName: 'callee', sampling: { tail: { probability: 0 } } });

    await caller.tracing.tracer.startActiveSpan('GET /page', async (root) => {
      const headers: Record<string, string> = {};
      new W3CPropagator().inject(context.active(), headers, {
        set: (c, k, v) => {
          c[k] = v;
        },
      });

      // The callee, in "another process": continue the trace, fail, answer traceresponse.
      const parent = parseTraceparent(headers.traceparent);
      const remote = trace.setSpanContext(context.active(), {
        traceId: parent!.traceId,
        spanId: parent!.spanId,
        traceFlags: 1,
        isRemote: true,
      });
      const answer = context.with(remote, () =>
        callee.tracing.tracer.startActiveSpan('POST /charge', (server) => {
          server.setStatus({ code: SpanStatusCode.ERROR, message: 'declined' });
          const header = answerTraceresponse(callee.tracing.tailSampler, server.spanContext());
          server.end();
          return header;
        }),
      );
      expect(parseTraceresponse(answer)?.sampled).toBe(true);

      expect(followTraceresponse(caller.tracing.tailSampler, answer, root.spanContext().traceId)).toBe(true);
      root.end();
    });

    expect((await callee.finished()).map((s) => s.name)).toEqual(['POST /charge']);
    const callerSpans = await caller.finished();
    expect(callerSpans.map((s) => s.name)).toEqual(['GET /page']);
    expect(callerSpans[0]?.attributes['wideline.sampling.reason']).toBe('forced');
  });

  it('a callee that drops answers unsampled, and the caller ignores malformed or foreign answers', async () => {
    const { tracing, finished } = memoryTracing({ sampling: { tail: { probability: 0 } } });
    tracing.tracer.startActiveSpan('op', (span) => {
      const answer = answerTraceresponse(tracing.tailSampler, span.spanContext());
      expect(parseTraceresponse(answer)?.sampled).toBe(false);
      expect(followTraceresponse(tracing.tailSampler, answer, span.spanContext().traceId)).toBe(false);
      expect(followTraceresponse(tracing.tailSampler, 'garbage', span.spanContext().traceId)).toBe(false);
      const foreign = `00-${'c'.repeat(32)}-${'d'.repeat(16)}-01`;
      expect(followTraceresponse(tracing.tailSampler, foreign, span.spanContext().traceId)).toBe(false);
      span.end();
    });
    expect(await finished()).toHaveLength(0);
  });

  it('without tail sampling, the answer is the head-sampled flag', () => {
    const { tracing } = memoryTracing();
    tracing.tracer.startActiveSpan('op', (span) => {
      expect(parseTraceresponse(answerTraceresponse(undefined, span.spanContext()))?.sampled).toBe(true);
      span.end();
    });
  });
});
