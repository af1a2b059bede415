/**
 * The running browser SDK, kept on `globalThis` (one per page, even when two copies of the package
 * are bundled), where the parts an app calls by themselves, such as `traceWebSocket`, find it.
 *
 * @internal
 * @module
 */
import type { BrowserTracing } from './init';

const RUNNING = Symbol.for('wideline.browser');
type Registry = { [RUNNING]?: BrowserTracing };

/** The instance `initBrowser` / `startBrowser` started, until its shutdown. */
export function runningBrowser(): BrowserTracing | undefined {
  return (globalThis as Registry)[RUNNING];
}

/** Records the running instance (`undefined` at shutdown). */
export function setRunningBrowser(instance: BrowserTracing | undefined): void {
  if (instance) (globalThis as Registry)[RUNNING] = instance;
  else delete (globalThis as Registry)[RUNNING];
}
