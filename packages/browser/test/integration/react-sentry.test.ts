import { eventOf, waitForEnvelope, waitForTrace } from '@wideline/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, openPage, uniqueId } from './harness';

describe('@wideline/browser/react with @sentry/react', () => {
  afterAll(async () => {
    await (await connect()).close();
  });

  it('sends the ErrorBoundary error to Spotlight with the trace id of the click that broke it', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/react', {
      id,
      service: `browser-react-${id}`,
      endpoint: 'http://localhost:4318',
    });
    await page.click('#explode');
    await page.waitForSelector('#fallback');
    const { clickTraceId, tracerOk } = (await page.evaluate(
      () => (window as unknown as { results: object }).results,
    )) as { clickTraceId: string; tracerOk: boolean };
    expect(clickTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(tracerOk).toBe(true);

    const envelope = await waitForEnvelope((e) => JSON.stringify(eventOf(e) ?? {}).includes(`basket exploded ${id}`));
    const event = eventOf(envelope) as {
      contexts: Record<string, Record<string, unknown>>;
      tags: Record<string, string>;
    };
    expect(event.contexts.trace?.trace_id).toBe(clickTraceId);
    expect(event.tags.trace_id).toBe(clickTraceId);
    expect(envelope.header.trace?.trace_id).toBe(clickTraceId);
    expect(event.contexts.otel?.jaeger_url).toBe(`http://localhost:16686/trace/${clickTraceId}`);

    await page.goto('about:blank');
    await context.close();
    // The same trace id is a real trace in Jaeger, and the click is marked failed.
    const spans = await waitForTrace(clickTraceId, 1);
    const click = spans.find((s) => s.name === 'click button#explode');
    expect(click).toBeDefined();
    expect(String(click?.status.code)).toMatch(/ERROR|^2$/);
    // The exception itself is on the span (wideline why prints its message), with the event's id.
    const exception = click?.events.find((e) => e.name === 'exception');
    expect({
      type: exception?.attributes['exception.type'],
      message: exception?.attributes['exception.message'],
      stack: String(exception?.attributes['exception.stacktrace'] ?? '').length > 0,
      eventId: click?.attributes['sentry.event_id'],
    }).toEqual({
      type: 'Error',
      message: `basket exploded ${id}`,
      stack: true,
      eventId: (event as { event_id?: string }).event_id,
    });
  });

  it('sends a global error (an unhandled rejection after an await) with the trace id of its click', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/react', {
      id,
      service: `browser-react-global-${id}`,
      endpoint: 'http://localhost:4318',
    });
    await page.click('#async-fail');
    const envelope = await waitForEnvelope((e) => JSON.stringify(eventOf(e) ?? {}).includes(`checkout failed ${id}`));
    const { asyncClickTraceId } = (await page.evaluate(() => (window as unknown as { results: object }).results)) as {
      asyncClickTraceId: string;
    };
    const event = eventOf(envelope) as { contexts: Record<string, Record<string, unknown>> };
    expect(asyncClickTraceId).toMatch(/^[0-9a-f]{32}$/);
    expect(event.contexts.trace?.trace_id).toBe(asyncClickTraceId);
    expect(envelope.header.trace?.trace_id).toBe(asyncClickTraceId);
    await context.close();
  });
});
