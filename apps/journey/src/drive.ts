import { chromiumLaunchOptions } from '@wideline/testkit';
import { chromium, type Page } from 'playwright-core';

/** What the page showed for one order. */
export interface PlacedOrder {
  orderId: string;
  traceId: string;
  outcome: string;
  statuses: string[];
  /** The ErrorBoundary's fallback text, for a failed order. */
  error: string | undefined;
}

export interface JourneyResult {
  succeeded: PlacedOrder;
  failed: PlacedOrder;
  /** Errors the page logged (console errors, uncaught exceptions), for diagnosis. */
  pageErrors: string[];
}

async function placeAndWait(page: Page, button: string, known: number, timeoutMs: number): Promise<PlacedOrder> {
  await page.click(button);
  await page.locator('section.order').nth(known).waitFor({ timeout: 10_000 });
  // Newest card first.
  const card = page.locator('section.order').first();
  await card.locator('xpath=self::*[@data-state != "pending"]').waitFor({ timeout: timeoutMs });
  const orderId = (await card.getAttribute('data-order-id')) ?? '';
  const traceId = (await card.getAttribute('data-trace-id')) ?? '';
  const outcome = (await card.getAttribute('data-state')) ?? '';
  const statuses = await card.locator('li').allTextContents();
  const errorText =
    outcome === 'completed' ? undefined : await card.locator('.order-error').textContent({ timeout: 5000 });
  return { orderId, traceId, outcome, statuses, error: errorText ?? undefined };
}

/** Opens the page, places both orders, and closes the browser (the page flushes its spans on the way out). */
export async function driveJourney(
  webUrl: string,
  options: { log?: (line: string) => void } = {},
): Promise<JourneyResult> {
  const log = options.log ?? (() => undefined);
  const browser = await chromium.launch(chromiumLaunchOptions());
  const pageErrors: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(webUrl);
    await page.waitForSelector('#place-order');
    log('page loaded; clicking "Place order"');
    const succeeded = await placeAndWait(page, '#place-order', 0, 30_000);
    log(`order ${succeeded.orderId}: ${succeeded.outcome} (trace ${succeeded.traceId})`);
    log('clicking "Place failing order"');
    const failed = await placeAndWait(page, '#place-failing-order', 1, 30_000);
    log(`order ${failed.orderId}: ${failed.outcome} (trace ${failed.traceId})`);
    // Leaving the page sends what the browser SDK still holds (pagehide → keepalive export).
    await page.goto('about:blank');
    return { succeeded, failed, pageErrors };
  } finally {
    // Playwright gave the browser a fresh profile directory and removes it on close.
    await browser.close();
  }
}
