/**
 * `@wideline/browser`: browser traces that reach the server, survive page unload and share their
 * trace id with Sentry. Start with {@link initBrowser} (every feature), or {@link startBrowser} with
 * the features you use (the others stay out of your bundle); React apps use `@wideline/browser/react`.
 *
 * @module
 */
export type { ActivityOptions } from './activity';
export { type PropagationTarget, propagationAllowlist } from './allowlist';
export {
  type BrowserExporterOptions,
  BrowserOtlpExporter,
  KEEPALIVE_BUDGET_BYTES,
  type TransportStats,
} from './exporter';
export type { BrowserFeature, BrowserParts, FeatureContext } from './feature';
export {
  type DefaultFeatureOptions,
  defaultFeatures,
  envVariables,
  fetchSpans,
  interactions,
  navigations,
  redaction,
  xhrSpans,
} from './features';
export { type BrowserOptions, type BrowserTracing, initBrowser, startBrowser } from './init';
export type { InteractionOptions } from './interactions';
export { OfflineQueue, type OfflineQueueOptions, offlineQueue } from './offline-queue';
export { pageLoad } from './page-load';
export { Session, type SessionOptions, sessions } from './session';
export { traced, type WithSpanOptions, withSpan } from './spans';
export { webVitals } from './vitals';
export { type TracedWebSocket, type TraceWebSocketOptions, traceWebSocket } from './websocket';
