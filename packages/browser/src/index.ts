/**
 * `@wideline/browser`: browser traces that reach the server, survive page unload and share their
 * trace id with Sentry. Start with {@link initBrowser}; React apps use `@wideline/browser/react`.
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
export { type BrowserOptions, type BrowserTracing, initBrowser } from './init';
export type { InteractionOptions } from './interactions';
export type { OfflineQueueOptions } from './offline-queue';
export { Session, type SessionOptions } from './session';
export { traced, type WithSpanOptions, withSpan } from './spans';
export type {
  TracedWebSocket,
  TraceWebSocketOptions,
} from './websocket';
