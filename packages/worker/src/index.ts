/**
 * `@wideline/worker`: Wideline for Cloudflare Workers. Wrap the default export with
 * {@link instrument}, Durable Object classes with {@link instrumentDO}; add {@link widelineSentry}
 * to `@sentry/cloudflare`'s integrations. Needs the `nodejs_compat` compatibility flag.
 *
 * @example
 * import { instrument } from '@wideline/worker';
 *
 * export default instrument({ fetch: () => new Response('hello') }, { serviceName: 'hello' });
 * @module
 */
// Re-exported so that a Worker needs one import for the wide-event API.
// The message-body convention, re-exported for apps that send their own messages (Durable Object
// broadcasts, queue bodies built by hand).
export { attachTraceContext, readTraceContext, recordError, type WideEvent, wideEvent } from '@wideline/core';
export { stripTraceContext } from '@wideline/core/sdk';
export { WorkersContextManager } from './async-context';
export {
  type AcceptTraceContext,
  type ConfigOrFactory,
  DEFAULT_EXPORT_TIMEOUT_MS,
  type IsolateStats,
  isolateStats,
  type PropagateTo,
  type WorkerConfig,
} from './config';
export { type InstrumentDOOptions, instrumentDO } from './durable-object';
export { tailSampling, type WorkerFeature, type WorkerParts, wideEventLog } from './features';
export { type OutboxExportStats, OutboxSpanExporter, type OutboxSpanExporterOptions } from './fetch-exporter';
export { instrument, type ModuleHandler } from './handlers';
export {
  type SentryIntegrationLike,
  type WidelineSentryIntegration,
  type WidelineSentryOptions,
  widelineSentry,
  widelineSentryOptions,
} from './sentry';
