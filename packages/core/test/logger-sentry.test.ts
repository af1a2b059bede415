import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { jaegerTraceUrl } from '../src/conventions';
import { createLogger, createTracing, linkSentry } from '../src/index';
import {
  REDACTED,
  registeredConfig,
  type SentryEventLike,
  type SentryEventProcessorHost,
  stampSentryEvent,
} from '../src/sdk';
import { memoryTracing } from './helpers';

describe('createLogger', () => {
  it('writes JSON lines stamped with the active trace, redacted, filtered by level', () => {
    const { tracing } = memoryTracing();
    const lines: string[] = [];
    const log = createLogger({
      sink: (l) => lines.push(l),
      level: 'info',
      fields: { service: 'jobs' },
      redactor: tracing.redactor!,
    });
    let traceId = '';
    tracing.tracer.startActiveSpan('op', (span) => {
      traceId = span.spanContext().traceId;
      log.debug('hidden');
      log.child({ order_id: 'o-1' }).info('accepted', { password: 'p', note: 'Bearer abcdefghijk' });
      span.end();
    });
    log.info('outside');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0] as string);
    expect(first).toMatchObject({
      level: 'info',
      msg: 'accepted',
      trace_id: traceId,
      service: 'jobs',
      order_id: 'o-1',
      password: REDACTED,
      note: `Bearer ${REDACTED}`,
    });
    expect(JSON.parse(lines[1] as string).trace_id).toBeUndefined();
  });

  it('forwards errors to Sentry as exceptions and other levels as breadcrumbs; a broken sink is harmless', () => {
    const captured: unknown[] = [];
    const crumbs: Array<{ level?: string; message?: string }> = [];
    const sentry = {
      captureException: (e: unknown) => captured.push(e),
      addBreadcrumb: (b: { level?: string; message?: string }) => crumbs.push(b),
    };
    const log = createLogger({ sink: () => {}, sentry });
    const error = new Error('charge failed');
    log.warn('slow charge');
    log.error('charge failed', { order_id: 'o-2' }, error);
    expect(captured).toEqual([error]);
    expect(crumbs).toEqual([expect.objectContaining({ level: 'warning', message: 'slow charge' })]);
    const broken = createLogger({
      sink: () => {
        throw new Error('disk full');
      },
    });
    expect(() => broken.error('x')).not.toThrow();
  });
});

describe('Sentry link', () => {
  it('stamps contexts.trace, the DSC, a trace_id tag and a Jaeger link', () => {
    const event: SentryEventLike = {
      contexts: { trace: { trace_id: 'sentry-own', op: 'x' } },
      sdkProcessingMetadata: { dynamicSamplingContext: { public_key: 'pk', trace_id: 'sentry-own' } },
    };
    stampSentryEvent(event, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }, 'http://jaeger:16686/');
    expect(event.contexts?.trace).toEqual({ trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16), op: 'x' });
    expect(event.tags?.trace_id).toBe('a'.repeat(32));
    expect((event.contexts?.otel as { jaeger_url?: string })?.jaeger_url).toBe(
      `http://jaeger:16686/trace/${'a'.repeat(32)}`,
    );
    expect(event.sdkProcessingMetadata?.dynamicSamplingContext).toEqual({
      public_key: 'pk',
      trace_id: 'a'.repeat(32),
      sampled: 'true',
    });
  });

  it('with an origin in another trace (a retry), the event carries that trace id and its Jaeger link too', () => {
    const own = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
    const origin = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1 };
    const event = stampSentryEvent<SentryEventLike>({}, own, 'http://jaeger:16686', origin);
    expect(event.tags).toEqual({ trace_id: own.traceId, origin_trace_id: origin.traceId });
    expect(event.contexts?.otel).toMatchObject({
      trace_id: own.traceId,
      origin_trace_id: origin.traceId,
      origin_span_id: origin.spanId,
      origin_jaeger_url: `http://jaeger:16686/trace/${origin.traceId}`,
    });
    // An origin in the same trace (a fresh attempt) adds nothing.
    expect(stampSentryEvent<SentryEventLike>({}, own, undefined, { ...origin, traceId: own.traceId }).tags).toEqual({
      trace_id: own.traceId,
    });
  });

  it('linkSentry stamps events captured inside a span and leaves others alone', () => {
    const { tracing } = memoryTracing();
    let processor: Parameters<SentryEventProcessorHost['addEventProcessor']>[0] | undefined;
    linkSentry({
      addEventProcessor: (p) => {
        processor = p;
      },
    });
    const run = (event: SentryEventLike) => processor?.(event, undefined as never) as SentryEventLike | null;
    expect(run({})).toEqual({});
    tracing.tracer.startActiveSpan('op', (span) => {
      const out = run({});
      expect(out?.tags?.trace_id).toBe(span.spanContext().traceId);
      expect((out?.contexts?.otel as { jaeger_url?: string })?.jaeger_url).toBe(
        jaegerTraceUrl(span.spanContext().traceId),
      );
      span.end();
    });
    expect(trace.getActiveSpan()).toBeUndefined();
  });

  it("linkSentry links to the registered tracing's Jaeger UI when not told otherwise", async () => {
    const tracing = createTracing({
      serviceName: 'registered',
      env: { WIDELINE_JAEGER_UI_URL: 'https://jaeger.example.com/' },
      exporter: new InMemorySpanExporter(),
    });
    try {
      expect(registeredConfig()?.jaegerUiUrl).toBe('https://jaeger.example.com');
      const processors: Array<(event: SentryEventLike) => SentryEventLike | null> = [];
      const host = { addEventProcessor: (p: (event: SentryEventLike) => SentryEventLike | null) => processors.push(p) };
      linkSentry(host as unknown as SentryEventProcessorHost);
      linkSentry(host as unknown as SentryEventProcessorHost, { jaegerUiUrl: 'https://other.example.com' });
      tracing.tracer.startActiveSpan('op', (span) => {
        const [registered, given] = processors.map((p) => p({}));
        const traceId = span.spanContext().traceId;
        expect((registered?.contexts?.otel as { jaeger_url?: string } | undefined)?.jaeger_url).toBe(
          `https://jaeger.example.com/trace/${traceId}`,
        );
        expect((given?.contexts?.otel as { jaeger_url?: string } | undefined)?.jaeger_url).toBe(
          `https://other.example.com/trace/${traceId}`,
        );
        span.end();
      });
    } finally {
      await tracing.shutdown();
      trace.disable();
    }
    expect(registeredConfig()).toBeUndefined();
  });
});
