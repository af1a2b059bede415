/** What each browser test needs: a page on the test site with a Wideline config, and read-backs. */
import { type StoredSpan, waitForTrace } from '@wideline/testkit';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';
import type { CollectorMode, ProxiedSpan, SeenRequest } from './server';

export const port = (): number => inject('sitePort');
/** The page's origin. */
export const appOrigin = (): string => `http://localhost:${port()}`;
/** The same server under another origin: a third party the page must not send trace headers to. */
export const otherOrigin = (): string => `http://127.0.0.1:${port()}`;

/** A third origin of the same server, allowlisted in `propagateTo` by the tests that need it. */
export const apiOrigin = (): string => `http://[::1]:${port()}`;

let browser: Browser | undefined;

/** Connects to the suite's one Chromium. */
export async function connect(): Promise<Browser> {
  browser ??= await chromium.connect(inject('browserWsEndpoint'));
  return browser;
}

/** A fresh context (empty storage) and a page of the fixture app loaded with `cfg`. */
export async function openPage(
  path: '/page' | '/react' | '/w3c' | '/parenting' | '/errors' | '/vitals',
  cfg: Record<string, unknown>,
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await (await connect()).newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
  });
  await page.goto(`${appOrigin()}${path}?cfg=${encodeURIComponent(JSON.stringify(cfg))}`);
  await page.waitForFunction(() => (window as { ready?: boolean }).ready === true);
  return { context, page, errors };
}

/** The requests the site saw with `?id=<id>`. */
export async function seen(id: string): Promise<SeenRequest[]> {
  return (await fetch(`${appOrigin()}/_seen?id=${id}`)).json() as Promise<SeenRequest[]>;
}

/** How often each span id crossed the OTLP proxy, and the spans' names. */
export async function otlpSeen(): Promise<{ counts: Record<string, number>; spans: ProxiedSpan[] }> {
  return (await fetch(`${appOrigin()}/_otlp`)).json() as never;
}

/** Sets how the site's OTLP proxy behaves: forwarding (`up`), resetting connections, or never answering. */
export async function setCollector(mode: CollectorMode): Promise<void> {
  await fetch(`${appOrigin()}/_otlp/mode?m=${mode}`);
}

/** Polls `read` until `done` accepts its value. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

export const uniqueId = (): string => crypto.randomUUID().slice(0, 8);

/** The span `spanId` of trace `traceId`, once Jaeger has it (its trace may arrive in several batches). */
export async function storedSpan(traceId: string, spanId: string | undefined): Promise<StoredSpan | undefined> {
  const spans = await until(
    () => waitForTrace(traceId, 1),
    (list) => list.some((s) => s.spanId === spanId),
  );
  return spans.find((s) => s.spanId === spanId);
}
