/**
 * Reports a job's final failure to a Sentry-like client, stamped with the attempt's trace id (the
 * event, its envelope's sampling context and a Jaeger link) and, when the attempt started a trace of
 * its own (a retry), the trace that created the job, through structural types: pass the
 * `@sentry/node` namespace, or anything with `withScope` and `captureException`.
 *
 * @module
 */
import type { SpanContext } from '@opentelemetry/api';
import { ATTR_MESSAGING_DESTINATION_NAME } from '@wideline/core/conventions';
import { registeredConfig, type SentryEventLike, stampSentryEvent } from '@wideline/core/sdk';
import { BULLMQ_JOB_NAME } from './attributes';

/** The part of a Sentry scope used here. */
export interface SentryScopeLike {
  // `never`: any SDK's event-processor type is accepted; the processor passed in only touches the
  // fields of `SentryEventLike`, which every Sentry event has.
  addEventProcessor(processor: never): unknown;
  setTag(key: string, value: string): unknown;
  setContext(name: string, context: Record<string, unknown> | null): unknown;
}

/** The part of a Sentry SDK used here (e.g. `import * as Sentry from '@sentry/node'`). */
export interface SentryLike {
  withScope(callback: (scope: SentryScopeLike) => void): unknown;
  captureException(exception: unknown): unknown;
}

/** What is known about the failed job. */
export interface FailedJobInfo {
  queue: string;
  jobId: string | undefined;
  jobName: string;
  attempt: number;
  maxAttempts: number;
}

/**
 * Captures `error` in its own scope, stamped with `spanContext`, and with `origin` (the job's creation
 * context) when the attempt ran in a trace of its own, linked to it. `jaegerUiUrl` defaults to the
 * registered tracing's (`createNodeTracing({ jaegerUiUrl })`, else `WIDELINE_JAEGER_UI_URL`). Never throws.
 */
export function reportFinalFailure(
  sentry: SentryLike,
  error: unknown,
  spanContext: SpanContext,
  job: FailedJobInfo,
  jaegerUiUrl?: string,
  origin?: SpanContext,
): void {
  try {
    const uiUrl = jaegerUiUrl ?? registeredConfig()?.jaegerUiUrl;
    sentry.withScope((scope) => {
      const stamp = (event: SentryEventLike) => stampSentryEvent(event, spanContext, uiUrl, origin);
      scope.addEventProcessor(stamp as never);
      scope.setTag(ATTR_MESSAGING_DESTINATION_NAME, job.queue);
      scope.setTag(BULLMQ_JOB_NAME, job.jobName);
      scope.setContext('bullmq', { ...job });
      sentry.captureException(error);
    });
  } catch {
    // Reporting is best effort; the job's own failure handling must not change.
  }
}
