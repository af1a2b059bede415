/**
 * A drop-in `Worker` that runs an inline processor through {@link tracedProcessor}, and starts its
 * own loops (fetching, stalled-job checks, lock extension) in an empty context, so a worker created
 * inside a request span does not make that span the parent of everything it ever does.
 *
 * It subclasses BullMQ's public `Worker`, wraps the processor function you pass, and overrides only
 * the public `run` and `close`. Sandboxed processors (a file path) are passed through untouched:
 * wrap the file's default export with `tracedProcessor` instead.
 *
 * @example
 * import { Worker } from '@wideline/bullmq';
 * import { wideEvent } from '@wideline/core';
 *
 * const worker = new Worker<{ orderId: string }>('orders', async (job) => {
 *   wideEvent().set('order.id', job.data.orderId);
 *   return charge(job.data.orderId);
 * }, { connection: { host: 'localhost' }, concurrency: 10, wideline: { policy: 'link' } });
 * @module
 */
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import {
  type BackendFactory,
  Queue as BullQueue,
  Worker as BullWorker,
  type ConnectionOptions,
  type IQueueBackend,
  type JobProgress,
  type Processor,
  type QueueOptions,
  type RedisQueueBackend,
  type WorkerOptions,
} from 'bullmq';
import type { OptionalOptionsArgs } from './bullmq-types';
import { type ConsumerTracingOptions, tracedProcessor } from './processor';

/** BullMQ worker options plus Wideline's. */
export type TracedWorkerOptions<ConnectionOptionsType = ConnectionOptions> = WorkerOptions<ConnectionOptionsType> & {
  wideline?: ConsumerTracingOptions;
};

/** How many of a job's latest log lines are read to find its previous attempt. */
const ATTEMPT_LOG_WINDOW = 20;

/**
 * BullMQ's `Worker`, traced: the same type parameters with the same defaults (`job.data` is `any`
 * unless you say otherwise, as in BullMQ), the same constructor overloads and methods.
 */
// biome-ignore-start lint/suspicious/noExplicitAny: BullMQ's own defaults, kept so that swapping the import changes no type.
export class Worker<
  DataType = any,
  ResultType = any,
  NameType extends string = string,
  B extends IQueueBackend = RedisQueueBackend,
  ProgressType extends JobProgress = JobProgress,
  ConnectionOptionsType = ConnectionOptions,
> extends BullWorker<DataType, ResultType, NameType, B, ProgressType, ConnectionOptionsType> {
  // biome-ignore-end lint/suspicious/noExplicitAny: see above
  readonly #reader: { queue: LogReader | undefined };

  constructor(
    name: string,
    processor: string | URL | null | Processor<DataType, ResultType, NameType, ProgressType> | undefined,
    opts: TracedWorkerOptions<NoInfer<ConnectionOptionsType>>,
    backendFactory: BackendFactory<B, ConnectionOptionsType>,
  );
  constructor(
    name: string,
    processor: string | URL | null | Processor<DataType, ResultType, NameType, ProgressType> | undefined,
    opts: TracedWorkerOptions<NoInfer<ConnectionOptionsType>>,
    backendFactory?: undefined,
  );
  constructor(
    name: string,
    processor?: string | URL | null | Processor<DataType, ResultType, NameType, ProgressType>,
    ...args: OptionalOptionsArgs<B, ConnectionOptionsType, TracedWorkerOptions>
  );
  constructor(
    name: string,
    processor?: string | URL | null | Processor<DataType, ResultType, NameType, ProgressType>,
    opts?: TracedWorkerOptions<ConnectionOptionsType>,
    backendFactory?: BackendFactory<B, ConnectionOptionsType>,
  ) {
    const { wideline, ...bullOpts } = opts ?? {};
    // Previous-attempt links read the job's log through a plain Queue on the same backend, opened
    // only when a job is re-picked (retries and stalls), never on the fast path.
    const reader: { queue: LogReader | undefined } = { queue: undefined };
    const readJobLog = async (jobId: string): Promise<readonly unknown[]> => {
      reader.queue ??= openLogReader(name, bullOpts, backendFactory);
      const { logs } = await reader.queue.getJobLogs(jobId, -ATTEMPT_LOG_WINDOW, -1);
      return logs;
    };
    const traced =
      typeof processor === 'function'
        ? tracedProcessor(processor, { queueName: name, readJobLog, ...wideline })
        : processor;
    // No options stay no options, so BullMQ applies its own defaults; the casts go back from the
    // implementation signature to the one BullMQ's constructor takes.
    super(
      name,
      traced,
      (opts === undefined ? undefined : bullOpts) as WorkerOptions<NoInfer<ConnectionOptionsType>>,
      backendFactory as BackendFactory<B, ConnectionOptionsType>,
    );
    this.#reader = reader;
  }

  /** Starts the worker's loops detached from whatever context is active. */
  override run(): Promise<void> {
    return context.with(ROOT_CONTEXT, () => super.run());
  }

  /** Closes the worker and the log reader, if one was opened. */
  override async close(force = false): Promise<void> {
    await super.close(force);
    await this.#reader?.queue?.close();
  }
}

/** What the worker needs of a queue to read job logs with. */
type LogReader = Pick<BullQueue, 'getJobLogs' | 'close'>;

/** A plain Queue on the worker's connection, prefix and backend. */
function openLogReader<B extends IQueueBackend, C>(
  name: string,
  opts: Partial<Pick<WorkerOptions<C>, 'connection' | 'prefix'>>,
  backendFactory: BackendFactory<B, C> | undefined,
): LogReader {
  // A worker built without options has no connection either: BullMQ's default applies to both.
  const queueOpts = {
    connection: opts.connection,
    ...(opts.prefix !== undefined ? { prefix: opts.prefix } : {}),
  } as QueueOptions<C>;
  if (backendFactory)
    return new BullQueue<unknown, unknown, string, unknown, unknown, string, B, C>(name, queueOpts, backendFactory);
  // Without a factory the worker runs on BullMQ's default Redis backend, and so does its reader.
  return new BullQueue(name, queueOpts as QueueOptions);
}
