/**
 * BullMQ's own attribute names (`messaging.bullmq.*`); the OpenTelemetry messaging names and
 * Wideline's link types are core's (`@wideline/core/conventions`).
 *
 * @internal
 * @module
 */
import { LINK_TYPE_ATTRIBUTE } from '@wideline/core/conventions';

export const BULLMQ_JOB_NAME = 'messaging.bullmq.job.name';
export const BULLMQ_ATTEMPT = 'messaging.bullmq.job.attempt';
export const BULLMQ_MAX_ATTEMPTS = 'messaging.bullmq.job.max_attempts';
export const BULLMQ_DELAY_MS = 'messaging.bullmq.job.delay_ms';
export const BULLMQ_PRIORITY = 'messaging.bullmq.job.priority';
export const BULLMQ_QUEUE_WAIT_MS = 'messaging.bullmq.job.queue_wait_ms';
export const BULLMQ_PROCESSING_MS = 'messaging.bullmq.job.processing_ms';
export const BULLMQ_FINAL_ATTEMPT = 'messaging.bullmq.job.final_attempt';
export const BULLMQ_OUTCOME = 'messaging.bullmq.job.outcome';
export const BULLMQ_RESULT_SIZE = 'messaging.bullmq.job.result_size';
export const BULLMQ_STALLED_COUNT = 'messaging.bullmq.job.stalled_count';
export const BULLMQ_REPEAT_KEY = 'messaging.bullmq.job.repeat_key';
export const BULLMQ_PARENT_ID = 'messaging.bullmq.job.parent_id';
export const BULLMQ_CHILDREN_COUNT = 'messaging.bullmq.job.children_count';
/** Why this attempt starts where it does: `fresh`, `retry`, `stalled`, `delayed`, `repeat`, `old`, `none`. */
export const BULLMQ_START_REASON = 'messaging.bullmq.job.start_reason';
/** Set when the stored creation context could not be used (malformed, hostile, oversized). */
export const BULLMQ_CONTEXT_REJECTED = 'messaging.bullmq.context_rejected';

/** Link attribute naming what a link points at (core's convention, shared with `@wideline/query`). */
export const LINK_TYPE = LINK_TYPE_ATTRIBUTE;

export const SYSTEM = 'bullmq';
