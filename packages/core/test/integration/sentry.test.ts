import { context } from '@opentelemetry/api';
import * as Sentry from '@sentry/node';
import { eventOf, requireStack, SPOTLIGHT_URL, waitForEnvelope } from '@wideline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkSentry, type WidelineTracing } from '../../src/index';
import { createNodeTracing } from '../../src/node';

describe('a Sentry event sent with @sentry/node to Spotlight', () => {
  let tracing: WidelineTracing;

  beforeAll(async () => {
    await requireStack();
    tracing = createNodeTracing({ serviceName: 'core-sentry-int' });
    Sentry.init({
      // @sentry/node's HTTP transport sends no content type, which Spotlight skips; its spotlight
      // option forwards every envelope to the sidecar instead.
      spotlight: `${SPOTLIGHT_URL}/stream`,
      enableOpenTelemetrySetup: false,
      defaultIntegrations: false,
      tracesSampleRate: 0,
    });
    linkSentry(Sentry.getGlobalScope(), { jaegerUiUrl: tracing.config.jaegerUiUrl });
  });

  afterAll(async () => {
    await Sentry.close(2000);
    await tracing?.shutdown();
    context.disable();
  });

  it('carries the OTel trace id in the event, its envelope header and a Jaeger link', async () => {
    const marker = `wideline-core-${crypto.randomUUID()}`;
    const { traceId, spanId } = tracing.tracer.startActiveSpan('failing unit', (span) => {
      Sentry.captureException(new Error(marker));
      span.end();
      return span.spanContext();
    });
    await Sentry.flush(5000);

    const envelope = await waitForEnvelope((e) => JSON.stringify(eventOf(e) ?? {}).includes(marker));
    const event = eventOf(envelope) as {
      contexts: Record<string, Record<string, unknown>>;
      tags: Record<string, string>;
    };
    expect(envelope.header.trace?.trace_id).toBe(traceId);
    expect(event.contexts.trace?.trace_id).toBe(traceId);
    expect(event.contexts.trace?.span_id).toBe(spanId);
    expect(event.tags.trace_id).toBe(traceId);
    expect(event.contexts.otel?.jaeger_url).toBe(`http://localhost:16686/trace/${traceId}`);
  });
});
