/**
 * `@wideline/journey` (internal): the demo journey — start the apps, drive the page, read the traces
 * and Sentry events back. `pnpm demo` prints it; the journey:integration test asserts it.
 */
export { type JourneyOptions, REPO, type RunningJourney, type StackUrls, stackUrls, startApps } from './apps.ts';
export { driveJourney, type JourneyResult, type PlacedOrder } from './drive.ts';
export { killAll } from './processes.ts';
export { collectSentryEvents, describeEvent, type SentryEvent, servicesOf, waitForTraceGraph } from './readback.ts';
