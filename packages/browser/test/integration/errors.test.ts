/**
 * Errors on their spans, in Chromium: uncaught errors and unhandled rejections record the exception
 * (an `exception` event with type, message and stack) on the span they belong to, with and without
 * Sentry on the page; every Sentry event's id is on that span; a late error is the page view's
 * unless the error's own context names a span; and the `baggage` that goes out with `sentry-trace`
 * carries the Sentry client's dynamic sampling context.
 */
import { eventOf, type StoredSpan, waitForEnvelope, waitForTrace } from '@wideline/testkit';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { apiOrigin, connect, openPage, seen, storedSpan, uniqueId, until } from './harness';

type Results = Record<string, string | boolean | undefined>;

const results = (page: Page): Promise<Results> =>
  page.evaluate(() => (window as unknown as { results: Results }).results);

/** The exception events of a span, as `type: message` plus whether a stack came with them. */
const exceptions = (span: StoredSpan | undefined) =>
  (span?.events ?? [])
    .filter((e) => e.name === 'exception')
    .map((e) => ({
      what: `${e.attributes['exception.type']}: ${e.attributes['exception.message']}`,
      stack: String(e.attributes['exception.stacktrace'] ?? '').includes('errors-app.js'),
    }));

const spanOf = storedSpan;

async function open(id: string, sentry: boolean) {
  return openPage('/errors', { id, service: `browser-errors-${id}`, endpoint: 'http://localhost:4318', sentry });
}

/** The Sentry event whose message contains `text`, and the envelope header's trace. */
async function sentryEvent(text: string) {
  const envelope = await waitForEnvelope((e) => JSON.stringify(eventOf(e) ?? {}).includes(text));
  const event = eventOf(envelope) as { event_id: string; contexts: Record<string, Record<string, unknown>> };
  return { event, headerTraceId: envelope.header.trace?.trace_id };
}

describe('errors on their spans (Chromium)', () => {
  afterAll(async () => {
    await (await connect()).close();
  });

  it.each([false, true])(
    'records a thrown error and a rejection on the click span (Sentry on the page: %s)',
    async (sentry) => {
      const id = uniqueId();
      const { page, context } = await open(id, sentry);
      // One after the other: with both clicks open, the rejection could be either's (it would go to
      // the page view). The synchronous throw is its click's even then (its own dispatch).
      await page.click('#throw-async');
      await page.waitForFunction(() => (window as unknown as { results: Results }).results.rejected === true);
      await page.click('#throw-sync');
      const events = sentry ? [await sentryEvent(`thrown ${id}`), await sentryEvent(`async ${id}`)] : [];
      const r = await results(page);
      await page.goto('about:blank');
      await context.close();

      const sync = await spanOf(String(r['throw-sync.traceId']), String(r['throw-sync.spanId']));
      const rejected = await spanOf(String(r['throw-async.traceId']), String(r['throw-async.spanId']));
      expect({
        sync: { status: String(sync?.status.code), exceptions: exceptions(sync) },
        rejected: { status: String(rejected?.status.code), exceptions: exceptions(rejected) },
      }).toEqual({
        sync: {
          status: expect.stringMatching(/ERROR|^2$/),
          exceptions: [{ what: `Error: thrown ${id}`, stack: true }],
        },
        rejected: {
          status: expect.stringMatching(/ERROR|^2$/),
          exceptions: [{ what: `TypeError: async ${id}`, stack: true }],
        },
      });
      if (sentry) {
        const [syncEvent, asyncEvent] = events;
        expect({
          syncTrace: syncEvent?.event.contexts.trace?.trace_id,
          syncHeader: syncEvent?.headerTraceId,
          syncId: sync?.attributes['sentry.event_id'],
          asyncTrace: asyncEvent?.event.contexts.trace?.trace_id,
          asyncId: rejected?.attributes['sentry.event_id'],
        }).toEqual({
          syncTrace: r['throw-sync.traceId'],
          syncHeader: r['throw-sync.traceId'],
          syncId: syncEvent?.event.event_id,
          asyncTrace: r['throw-async.traceId'],
          asyncId: asyncEvent?.event.event_id,
        });
      }
    },
  );

  it('gives a late error to the page view, unless the error’s own context names the click’s request', async () => {
    const id = uniqueId();
    const { page, context } = await open(id, true);
    await page.click('#late');
    await page.click('#late-own');
    const late = await sentryEvent(`late ${id}`);
    const own = await sentryEvent(`late-own ${id}`);
    const r = await results(page);
    await page.goto('about:blank');
    await context.close();

    expect({
      late: late.event.contexts.trace?.trace_id,
      lateHeader: late.headerTraceId,
      own: own.event.contexts.trace?.trace_id,
    }).toEqual({ late: r.pageViewTraceId, lateHeader: r.pageViewTraceId, own: r['late-own.traceId'] });
    const spans = await until(
      () => waitForTrace(String(r.pageViewTraceId), 1),
      (list) => list.some((s) => s.name.startsWith('page view')),
    );
    const pageView = spans.find((s) => s.name.startsWith('page view'));
    expect(exceptions(pageView)).toEqual([{ what: `Error: late ${id}`, stack: true }]);
    expect(pageView?.attributes['sentry.event_id']).toBe(late.event.event_id);
    // The click that succeeded stays clean.
    const click = await spanOf(String(r['late.traceId']), String(r['late.spanId']));
    expect({ status: String(click?.status.code ?? ''), exceptions: exceptions(click) }).toEqual({
      status: expect.not.stringMatching(/ERROR|^2$/),
      exceptions: [],
    });
  });

  it('sends the Sentry client’s dynamic sampling context in baggage', async () => {
    const id = uniqueId();
    const { page, context } = await open(id, true);
    await page.click('#dsc');
    const [request] = await until(
      () => seen(id),
      (list) => list.some((r) => r.path === '/api/dsc'),
    );
    await page.goto('about:blank');
    await context.close();
    const [, traceId, spanId] = String(request?.headers.traceparent).split('-');
    const baggage = Object.fromEntries(
      String(request?.headers.baggage)
        .split(',')
        .map((member) => member.trim().split('=') as [string, string]),
    );
    expect(baggage).toEqual({
      'sentry-trace_id': traceId,
      'sentry-sampled': 'true',
      'sentry-public_key': 'public',
      'sentry-environment': 'staging',
      'sentry-release': `wideline-errors-${id}`,
    });
    // The request's CLIENT span is named by its URL template (HTTP semantic conventions), not its path.
    const span = await spanOf(String(traceId), spanId);
    expect([span?.name, span?.attributes['url.template']]).toEqual(['GET /api/{endpoint}', '/api/{endpoint}']);
  });

  it('sends trace headers under a URL-prefix target by path segment: /api/inside gets them, /apiary not', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/errors', {
      id,
      service: `browser-prefix-${id}`,
      endpoint: 'http://localhost:4318',
      api: apiOrigin(),
    });
    await page.click('#prefix');
    const requests = await until(
      () => seen(id),
      (list) => list.length >= 2,
    );
    await context.close();
    const headersOf = (path: string) => {
      const headers = requests.find((r) => r.path === path)?.headers ?? {};
      return { traceparent: headers.traceparent !== undefined, baggage: headers.baggage !== undefined };
    };
    expect({ inside: headersOf('/api/inside'), apiary: headersOf('/apiary') }).toEqual({
      inside: { traceparent: true, baggage: true },
      apiary: { traceparent: false, baggage: false },
    });
  });
});
