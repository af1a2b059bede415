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
import { Queue as BullQueue, Worker as BullWorker, type Processor, type WorkerOptions } from 'bullmq';
import { type ConsumerTracingOptions, tracedProcessor } from './processor';

/** BullMQ worker options plus Wideline's. */
export type TracedWorkerOptions = WorkerOptions & { wideline?: ConsumerTracingOptions };

/** How many of a job's latest log lines are read to find its previous attempt. */
const ATTEMPT_LOG_WINDOW = 20;

/** BullMQ's `Worker`, traced. */
export class Worker<DataType = unknown, ResultType = unknown, NameType extends string = string> extends BullWorker<
  DataType,
  ResultType,
  NameType
> {
  readonly #reader: { queue: BullQueue | undefined };

  constructor(
    name: string,
    processor: string | URL | null | Processor<DataType, ResultType, NameType> | undefined,
    opts: TracedWorkerOptions,
  ) {
    const { wideline, ...bullOpts } = opts;
    // Previous-attempt links read the job's log through a plain Queue, opened only when a job is
    // re-picked (retries and stalls), never on the fast path.
    const reader: { queue: BullQueue | undefined } = { queue: undefined };
    const readJobLog = async (jobId: string): Promise<readonly unknown[]> => {
      reader.queue ??= new BullQueue(name, {
        connection: bullOpts.connection,
        ...(bullOpts.prefix !== undefined ? { prefix: bullOpts.prefix } : {}),
      });
      const { logs } = await reader.queue.getJobLogs(jobId, -ATTEMPT_LOG_WINDOW, -1);
      return logs;
    };
    const traced =
      typeof processor === 'function'
        ? tracedProcessor(processor, { queueName: name, readJobLog, ...wideline })
        : processor;
    super(name, traced, bullOpts);
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
