/**
 * How every Wideline test and the demo start Chromium: Debian's binary (tools must never download a
 * browser of their own) with the flags this machine needs (no sandbox as root, no background traffic
 * to Google's hosts on a closed network). Pass the result to playwright-core's `chromium.launch` or
 * `chromium.launchServer`.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.WIDELINE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launch options for playwright-core; throws, naming the fix, when Chromium is missing. */
export function chromiumLaunchOptions(): { executablePath: string; args: string[] } {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. Install it with: apt-get install -y chromium`);
  }
  return { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] };
}
