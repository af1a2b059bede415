/**
 * Parenting without zone.js, in Chromium: which span a request gets as its parent when the handler
 * that made it had awaited first. Each request goes out as fetch, XHR and a WebSocket message; the
 * test reads the span id each carried on the server's side and the spans from Jaeger. The model and
 * its diagrams: docs/browser-parenting.md.
 */
import type { StoredSpan } from '@wideline/testkit';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { appOrigin, connect, openPage, seen, storedSpan, uniqueId, until } from './harness';

interface Carried {
  traceId: string;
  spanId: string;
}

type Kind = 'fetch' | 'xhr' | 'ws';

const parse = (traceparent: unknown): Carried => {
  const [, traceId = '', spanId = ''] = String(traceparent).split('-');
  return { traceId, spanId };
};

/** The trace context each way of request `name` carried, as the server saw it. */
async function carried(id: string, name: string): Promise<Record<Kind, Carried>> {
  const requests = await until(
    () => seen(id),
    (list) => list.some((r) => r.path === `/api/${name}-fetch`) && list.some((r) => r.path === `/api/${name}-xhr`),
  );
  const messages = await until(
    async () =>
      (await (await fetch(`${appOrigin()}/_ws`)).json()) as Array<{
        id?: string;
        type?: string;
        wideline?: { traceparent?: string };
      }>,
    (list) => list.some((m) => m.id === id && m.type === `ws.${name}`),
  );
  const header = (path: string) => requests.find((r) => r.path === path)?.headers.traceparent;
  return {
    fetch: parse(header(`/api/${name}-fetch`)),
    xhr: parse(header(`/api/${name}-xhr`)),
    ws: parse(messages.find((m) => m.id === id && m.type === `ws.${name}`)?.wideline?.traceparent),
  };
}

/** The stored span each way of request `name` became. */
async function stored(id: string, name: string): Promise<Record<Kind, StoredSpan>> {
  const ids = await carried(id, name);
  const out = {} as Record<Kind, StoredSpan>;
  for (const kind of ['fetch', 'xhr', 'ws'] as const) {
    const { traceId, spanId } = ids[kind];
    const span = await storedSpan(traceId, spanId);
    if (!span) throw new Error(`${kind} span ${spanId} of ${name} is not in trace ${traceId}`);
    out[kind] = span;
  }
  return out;
}

async function results(page: Page): Promise<Record<string, string | boolean | undefined>> {
  return page.evaluate(() => (window as unknown as { results: Record<string, string | boolean | undefined> }).results);
}

async function done(page: Page, button: string): Promise<void> {
  await page.waitForFunction(
    (key) => (window as unknown as { results: Record<string, unknown> }).results[key] === true,
    `${button}.done`,
  );
}

/** How a span hangs: its parent id (or none) and its links as `type:reason→spanId`. */
const shape = (span: StoredSpan) => ({
  parent: span.parentSpanId ?? '',
  links: span.links
    .map((l) => `${l.attributes['wideline.link.type']}:${l.attributes['wideline.link.reason']}→${l.spanId}`)
    .sort(),
});

describe('parenting without zone.js (Chromium; fetch, XHR, WebSocket send)', () => {
  afterAll(async () => {
    await (await connect()).close();
  });

  it('parents a request two overlapping clicks could own to neither, and links it to both', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/parenting', {
      id,
      service: `browser-overlap-${id}`,
      endpoint: 'http://localhost:4318',
    });
    // Both clicks from the page's own event loop: B lands 60 ms after A, before A's 300 ms await ends.
    await page.evaluate(() => {
      document.querySelector<HTMLButtonElement>('#overlap-a')?.click();
      setTimeout(() => document.querySelector<HTMLButtonElement>('#overlap-b')?.click(), 60);
    });
    await done(page, 'overlap-a');
    await done(page, 'overlap-b');
    const r = await results(page);
    const a = await stored(id, 'a');
    const bNow = await stored(id, 'b-now');
    const bLater = await stored(id, 'b-later');
    await page.goto('about:blank');
    await context.close();

    const both = [
      `candidate_parent:overlapping_activities→${r['overlap-a.span']}`,
      `candidate_parent:overlapping_activities→${r['overlap-b.span']}`,
    ].sort();
    const none = { parent: '', links: both };
    expect({ fetch: shape(a.fetch), xhr: shape(a.xhr), ws: shape(a.ws) }).toEqual({ fetch: none, xhr: none, ws: none });
    expect(a.fetch.links[0]?.attributes['wideline.link.candidates']).toBe(2);
    // Requests made in B's own dispatch are certainly B's; after its await, B's are as ambiguous as A's.
    const childOfB = { parent: r['overlap-b.span'], links: [] };
    expect({ fetch: shape(bNow.fetch), xhr: shape(bNow.xhr), ws: shape(bNow.ws) }).toEqual({
      fetch: childOfB,
      xhr: childOfB,
      ws: childOfB,
    });
    expect({ fetch: shape(bLater.fetch), xhr: shape(bLater.xhr), ws: shape(bLater.ws) }).toEqual({
      fetch: none,
      xhr: none,
      ws: none,
    });
  });

  it('links a request made after the idle window to the click it most likely belongs to', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/parenting', {
      id,
      service: `browser-long-${id}`,
      endpoint: 'http://localhost:4318',
    });
    await page.click('#long');
    await done(page, 'long');
    const r = await results(page);
    const long = await stored(id, 'long');
    await page.goto('about:blank');
    await context.close();

    const linked = { parent: '', links: [`likely_parent:after_idle→${r['long.span']}`] };
    expect({ fetch: shape(long.fetch), xhr: shape(long.xhr), ws: shape(long.ws) }).toEqual({
      fetch: linked,
      xhr: linked,
      ws: linked,
    });
    expect(Number(long.fetch.links[0]?.attributes['wideline.link.idle_ms'])).toBeGreaterThan(0);
  });

  it('keeps a withSpan span the parent of what its callback starts after an await', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/parenting', {
      id,
      service: `browser-manual-${id}`,
      endpoint: 'http://localhost:4318',
    });
    await page.click('#manual');
    await done(page, 'manual');
    const r = await results(page);
    const before = await stored(id, 'manual-before');
    const after = await stored(id, 'manual-after');
    await page.goto('about:blank');
    await context.close();

    const manual = before.fetch.parentSpanId;
    expect(manual).toBe(r.manualSpanId);
    const child = { parent: manual, links: [] };
    expect({ fetch: shape(after.fetch), xhr: shape(after.xhr), ws: shape(after.ws) }).toEqual({
      fetch: child,
      xhr: child,
      ws: child,
    });
    expect((await storedSpan(before.fetch.traceId, manual))?.parentSpanId).toBe(r['manual.span']);
  });

  it('still parents requests after a timer, a promise chain and requestAnimationFrame to their click', async () => {
    const id = uniqueId();
    const { page, context } = await openPage('/parenting', {
      id,
      service: `browser-chain-${id}`,
      endpoint: 'http://localhost:4318',
    });
    await page.click('#chain');
    await done(page, 'chain');
    const r = await results(page);
    const timer = await stored(id, 'timer');
    const chain = await stored(id, 'chain2');
    const raf = await stored(id, 'raf');
    await page.goto('about:blank');
    await context.close();

    const child = { parent: r['chain.span'], links: [] };
    const all = (s: Record<Kind, StoredSpan>) => ({ fetch: shape(s.fetch), xhr: shape(s.xhr), ws: shape(s.ws) });
    const expected = { fetch: child, xhr: child, ws: child };
    expect({ timer: all(timer), chain: all(chain), raf: all(raf) }).toEqual({
      timer: expected,
      chain: expected,
      raf: expected,
    });
  });
});
