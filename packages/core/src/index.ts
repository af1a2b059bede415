/**
 * `@wideline/core`: what an app uses — start tracing, add fields to the unit of work's wide event,
 * record errors, link Sentry events to traces, carry trace context where HTTP headers do not reach,
 * and log with trace ids. Runtime packages (`@wideline/worker`, `@wideline/browser`,
 * `@wideline/bullmq`) build on the same API; the plumbing they share (the export pipeline, the
 * W3C parsers, config resolution) is on `@wideline/core/sdk`, attribute names on
 * `@wideline/core/conventions`, and Node's setup on `@wideline/core/node`.
 *
 * @example
 * import { trace } from '@opentelemetry/api';
 * import { recordError, wideEvent } from '@wideline/core';
 *
 * export async function checkout(cart: { id: string; items: string[] }, pay: () => Promise<void>) {
 *   wideEvent().set('cart.id', cart.id).set('cart.items', cart.items.length);
 *   const span = trace.getActiveSpan();
 *   try {
 *     await pay();
 *   } catch (error) {
 *     if (span) recordError(span, error); // the unit's root gets it too: wideEvent().recordError(error)
 *     throw error;
 *   }
 * }
 * @module
 */
export { WidelineConfigError, type WidelineOptions } from './config';
export { answerTraceresponse, followTraceresponse } from './cross-hop';
export { createLogger, type Logger } from './logger';
export { attachTraceContext, readTraceContext } from './message-context';
export { headersGetter, remoteContext, W3CPropagator } from './propagation';
export { recordError } from './record-error';
export { linkSentry } from './sentry';
export { sentryTraceHeaders } from './sentry-headers';
export { parseTraceresponse } from './traceparent';
export { createTracing, type TracingRuntime, type WidelineTracing } from './tracing';
export { type WideEvent, wideEvent } from './wide-event';
