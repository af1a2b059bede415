/**
 * `@wideline/journey` (internal): the demo journey — start the apps, drive the page, read the traces
 * and Sentry events back. `pnpm demo` prints it; the journey:integration test asserts it.
 */
export {
  type JobsOptions,
  type JourneyOptions,
  REPO,
  type RunningJourney,
  type StackUrls,
  stackUrls,
  startApps,
  startJobs,
} from './apps.ts';
export { driveJourney, type JourneyResult, type PlacedOrder } from './drive.ts';
export { killAll, waitReady } from './processes.ts';
export { collectSentryEvents, describeEvent, type SentryEvent, servicesOf, waitForTraceGraph } from './readback.ts';
