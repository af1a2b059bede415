/**
 * Type helpers that BullMQ 6 uses in its class signatures but does not export. The traced classes
 * restate BullMQ's type parameters and constructor overloads with them, so that a type written
 * against `bullmq`'s classes means the same thing against ours (`test/drop-in-types.test.ts` compiles
 * the same code against both and compares every inferred type).
 *
 * @internal
 * @module
 */
import type { ConnectionOptions, Job, QueueBaseOptions, RedisQueueBackend } from 'bullmq';

/** The data type of a queue typed by its data (`Queue<Data>`) or by its job (`Queue<Job<Data, …>>`). */
// biome-ignore lint/suspicious/noExplicitAny: matches any Job, as BullMQ's own helper does
export type DataOf<DataTypeOrJob, Default> = DataTypeOrJob extends Job<infer D, any, any> ? D : Default;
/** The result type, from the job type when the queue is typed by its job. */
// biome-ignore lint/suspicious/noExplicitAny: as above
export type ResultOf<DataTypeOrJob, Default> = DataTypeOrJob extends Job<any, infer R, any> ? R : Default;
/** The job-name type, from the job type when the queue is typed by its job. */
// biome-ignore lint/suspicious/noExplicitAny: as above
export type NameOf<DataTypeOrJob, Default extends string> = DataTypeOrJob extends Job<any, any, infer N> ? N : Default;

/** Exactly the same type (not merely assignable either way). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/**
 * The trailing constructor arguments when no backend factory is given: options are optional only
 * for the default Redis backend with BullMQ's own connection options; any other backend or
 * connection type must be built with its factory (the other overloads), as in BullMQ.
 */
export type OptionalOptionsArgs<B, ConnectionOptionsType, Options extends QueueBaseOptions> =
  Same<B, RedisQueueBackend> extends true
    ? Same<ConnectionOptionsType, ConnectionOptions> extends true
      ? [opts?: Options, backendFactory?: undefined]
      : [opts: never]
    : [opts: never];
