/**
 * `@wideline/bullmq`: one trace through BullMQ — producer to consumer context in job options
 * (readable by `bullmq-otel`), a `process <queue>` span per attempt that is the attempt's wide event,
 * a parent/link policy for retries, delays and repeatable jobs, flows, sandboxed processors, saga
 * compensation spans and final-failure reports to Sentry.
 *
 * @module
 */

export { FlowProducer, type TracedFlowProducerOptions } from './flow-producer';
export { encodeMetadata, readStoredContext, type StoredContext, withStoredContext } from './metadata';
export type { AttemptOutcome } from './outcome';
export { type ConsumerTracingOptions, type TracedJobLike, tracedProcessor } from './processor';
export type { ProducerTracingOptions } from './producer';
export { Queue, type TracedQueueOptions } from './queue';
export {
  runSaga,
  type SagaOptions,
  type SagaOutcome,
  type SagaResult,
  type SagaStep,
  type SagaStepRun,
  StepOutcomeUnknownError,
} from './saga';
export { type JobStepOptions, type JobStepTarget, jobStep, StepJobFailedError, sagaJobId } from './saga-job-step';
export { type FailedJobInfo, reportFinalFailure, type SentryLike, type SentryScopeLike } from './sentry-report';
export type { StartPolicy, StartReason } from './start-policy';
export { type TracedWorkerOptions, Worker } from './worker';
