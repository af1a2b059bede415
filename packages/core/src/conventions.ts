/**
 * Wideline's own attribute names (everything under `wideline.*`), in one dependency-free module so that
 * writers (the runtime packages) and readers (`@wideline/query`) agree, and a CLI can import them
 * without loading the OpenTelemetry SDK: `import { SAGA } from '@wideline/core/conventions'`.
 *
 * @module
 */

/** The sampling weight of a kept span: how many units it stands for (`1 / probability`; absent means 1). */
export const SAMPLE_RATE_ATTRIBUTE = 'wideline.sample_rate';
/** Why the tail sampler kept a unit: `forced`, `error`, `slow`, `predicate` or `probability`. */
export const SAMPLING_REASON_ATTRIBUTE = 'wideline.sampling.reason';
/** On a span link: what the link means (see {@link LINK_TYPES}). */
export const LINK_TYPE_ATTRIBUTE = 'wideline.link.type';

/**
 * On the local root of a unit that starts a trace of its own, linked to the trace that caused it (a
 * job's retry, a delayed or repeatable job): the trace id of the creation context. A reader finds
 * these units from the originating trace by this attribute, since Jaeger cannot search span links.
 */
export const ORIGIN_TRACE_ATTRIBUTE = 'wideline.origin.trace_id';

/** Values of {@link LINK_TYPE_ATTRIBUTE}. */
export const LINK_TYPES = {
  /** From a consumer span that starts a new trace to the context that created its message/job. */
  creation: 'creation',
  /** From a retry (or a re-picked stalled job) to the previous attempt's span. */
  previousAttempt: 'previous_attempt',
  /** From a parent job's process span to a child job's span. */
  child: 'child',
  /** From a batch send span to each message's create span. */
  create: 'create',
  /** From a compensation to the step span it undoes. */
  compensates: 'compensates',
  /** From a compensation to the step whose failure triggered it. */
  failedStep: 'failed_step',
} as const;

/** Saga attributes, written on step and compensation spans and on the saga's root. */
export const SAGA = {
  name: 'wideline.saga.name',
  id: 'wideline.saga.id',
  /** `step` or `compensation`. */
  role: 'wideline.saga.role',
  step: 'wideline.saga.step',
  stepIndex: 'wideline.saga.step_index',
  compensates: 'wideline.saga.compensates',
  failedStep: 'wideline.saga.failed_step',
  reason: 'wideline.saga.reason',
  /** `completed`, `compensated`, `compensation_failed` or `interrupted`. */
  outcome: 'wideline.saga.outcome',
  /** On an interrupted saga: the step (or compensation) whose outcome could not be established. */
  pendingStep: 'wideline.saga.pending_step',
  /** On a step or compensation run as a BullMQ job: that job's id (stable per saga, step and role). */
  jobId: 'wideline.saga.job_id',
  /** True when the step's job already existed: this run read its outcome instead of adding it. */
  replayed: 'wideline.saga.replayed',
} as const;

/** The Jaeger UI address of a trace. */
export function jaegerTraceUrl(traceId: string, jaegerUiUrl = 'http://localhost:16686'): string {
  return `${jaegerUiUrl.replace(/\/$/, '')}/trace/${traceId}`;
}
