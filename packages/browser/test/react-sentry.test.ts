import { TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { BrowserTracing } from '../src/init';
import { type SentryEvent, widelineSentryIntegration } from '../src/react/sentry';

const spanContext = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: TraceFlags.SAMPLED };

function fakeBrowser(current: typeof spanContext | undefined): BrowserTracing {
  return {
    errorSpanContext: () => current,
    errors: { record: () => undefined, spanContextFor: () => current, stop: () => undefined },
    pageView: undefined,
    tracer: {},
    tracing: { config: { jaegerUiUrl: 'http://jaeger.test' } },
  } as unknown as BrowserTracing;
}

describe('widelineSentryIntegration', () => {
  it('stamps the interaction at capture time and again after Sentry applied its scope', () => {
    const integration = widelineSentryIntegration(fakeBrowser(spanContext));
    const event: SentryEvent = { exception: { values: [] } };
    integration.preprocessEvent(event);
    // Sentry's scope would now write its own propagation context into the event…
    const prepared: SentryEvent = {
      ...event,
      contexts: { ...event.contexts, trace: { trace_id: 'f'.repeat(32), span_id: 'e'.repeat(16) } },
      sdkProcessingMetadata: { dynamicSamplingContext: { trace_id: 'f'.repeat(32), public_key: 'public' } },
    };
    // …and the integration's event processor puts the interaction back.
    const processed = integration.processEvent(prepared);
    expect(processed.contexts?.trace).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId });
    expect(processed.tags).toMatchObject({ trace_id: spanContext.traceId });
    expect(processed.contexts?.otel).toMatchObject({ jaeger_url: `http://jaeger.test/trace/${spanContext.traceId}` });
    expect(processed.sdkProcessingMetadata?.dynamicSamplingContext).toMatchObject({
      trace_id: spanContext.traceId,
      public_key: 'public',
      sampled: 'true',
    });
  });

  it('leaves events alone when there is nothing to link, and warns once about Sentry tracing', () => {
    const warnings: string[] = [];
    const integration = widelineSentryIntegration(fakeBrowser(undefined), { onWarning: (m) => warnings.push(m) });
    const event: SentryEvent = { tags: { a: 1 } };
    integration.preprocessEvent(event);
    expect(integration.processEvent(event)).toEqual({ tags: { a: 1 } });
    integration.setup({
      getOptions: () => ({}),
      getIntegrationByName: (name) => (name === 'BrowserTracing' ? {} : undefined),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('browserTracingIntegration');
  });
});
