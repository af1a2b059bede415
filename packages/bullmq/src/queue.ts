/**
 * A drop-in `Queue` whose `add`, `addBulk` and `upsertJobScheduler` record producer spans and store
 * the creation context in each job's options (BullMQ's `opts.telemetry.metadata`, never the data).
 *
 * It subclasses BullMQ's public `Queue` with BullMQ's own type parameters, defaults and constructor
 * overloads (a backend factory included), and overrides only public methods, calling `super`; nothing
 * private is patched, so BullMQ upgrades that keep the public API keep working.
 *
 * @example
 * import { Queue } from '@wideline/bullmq';
 *
 * const orders = new Queue<{ orderId: string }>('orders', { connection: { host: 'localhost' } });
 * await orders.add('charge', { orderId: 'o-1' }); // inside a request span: one trace to the worker
 * @module
 */
import { type Attributes, context, type Tracer, trace } from '@opentelemetry/api';
import { ATTR_MESSAGING_MESSAGE_ID } from '@wideline/core/conventions';
import {
  type BackendFactory,
  type BulkJobOptions,
  Queue as BullQueue,
  type ConnectionOptions,
  type IQueueBackend,
  type Job,
  type JobProgress,
  type JobSchedulerTemplateOptions,
  type JobsOptions,
  type QueueOptions,
  type RedisQueueBackend,
  type RepeatOptions,
} from 'bullmq';
import type { DataOf, NameOf, OptionalOptionsArgs, ResultOf } from './bullmq-types';
import { withStoredContext } from './metadata';
import {
  failSpan,
  messagingAttributes,
  type ProducerTracingOptions,
  producerTracer,
  sendBatch,
  startCreateSpan,
  startProducerSpan,
} from './producer';
import { withSpan } from './span-context';

/** BullMQ queue options plus Wideline's. */
export type TracedQueueOptions<ConnectionOptionsType = ConnectionOptions> = QueueOptions<ConnectionOptionsType> & {
  wideline?: ProducerTracingOptions;
};

/**
 * BullMQ's `Queue`, traced: the same type parameters with the same defaults (`any` stays `any`, as in
 * BullMQ), the same constructor overloads and methods; `wideline` options are optional.
 */
// biome-ignore-start lint/suspicious/noExplicitAny: BullMQ's own defaults, kept so that swapping the import changes no type.
export class Queue<
  DataTypeOrJob = any,
  DefaultResultType = any,
  DefaultNameType extends string = string,
  DataType = DataOf<DataTypeOrJob, DataTypeOrJob>,
  ResultType = ResultOf<DataTypeOrJob, DefaultResultType>,
  NameType extends string = NameOf<DataTypeOrJob, DefaultNameType>,
  B extends IQueueBackend = RedisQueueBackend,
  ConnectionOptionsType = ConnectionOptions,
> extends BullQueue<
  DataTypeOrJob,
  DefaultResultType,
  DefaultNameType,
  DataType,
  ResultType,
  NameType,
  B,
  ConnectionOptionsType
> {
  // biome-ignore-end lint/suspicious/noExplicitAny: see above
  readonly #tracer: Tracer;
  /** The span name and creation attributes of `add`, built once rather than per job. */
  readonly #sendName: string;
  readonly #sendAttributes: Attributes;

  constructor(
    name: string,
    opts: TracedQueueOptions<NoInfer<ConnectionOptionsType>>,
    backendFactory: BackendFactory<B, ConnectionOptionsType>,
  );
  constructor(name: string, opts: TracedQueueOptions<NoInfer<ConnectionOptionsType>>, backendFactory?: undefined);
  constructor(name: string, ...args: OptionalOptionsArgs<B, ConnectionOptionsType, TracedQueueOptions>);
  constructor(
    name: string,
    opts?: TracedQueueOptions<ConnectionOptionsType>,
    backendFactory?: BackendFactory<B, ConnectionOptionsType>,
  ) {
    const { wideline, ...bullOpts } = opts ?? {};
    // No options stay no options, so BullMQ applies its own defaults. The implementation signature is
    // wider than each overload, hence the casts back to the one BullMQ's constructor takes.
    super(
      name,
      (opts === undefined ? undefined : bullOpts) as QueueOptions<NoInfer<ConnectionOptionsType>>,
      backendFactory as BackendFactory<B, ConnectionOptionsType>,
    );
    this.#tracer = producerTracer(wideline);
    this.#sendName = `send ${name}`;
    this.#sendAttributes = messagingAttributes(name, 'add', 'send');
  }

  /** Adds a job inside a PRODUCER `send <queue>` span, which becomes the job's creation context. */
  override async add(name: NameType, data: DataType, opts?: JobsOptions): Promise<Job<DataType, ResultType, NameType>> {
    // The active context read once (the API looks its manager up on every call): the span's parent
    // and the base of the context `super.add` runs in.
    const parent = context.active();
    const span = startProducerSpan(this.#tracer, this.#sendName, this.#sendAttributes, name, opts, parent);
    try {
      // `super.add` passed with its receiver and arguments: no closure per job.
      const job = await context.with(
        withSpan(parent, span),
        super.add,
        this,
        name,
        data,
        withStoredContext(opts, span.spanContext()),
      );
      if (job.id !== undefined) span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, job.id);
      span.end();
      return job;
    } catch (error) {
      failSpan(span, error);
      throw error;
    }
  }

  /** Adds jobs atomically: a `create <queue>` span per job and one `send <queue>` span linking them. */
  override async addBulk(
    jobs: { name: NameType; data: DataType; opts?: BulkJobOptions }[],
  ): Promise<Job<DataType, ResultType, NameType>[]> {
    const parent = context.active();
    const creates = jobs.map((job) => startCreateSpan(this.#tracer, parent, this.name, job.name, job.opts));
    const traced = jobs.map((job, i) => ({
      ...job,
      opts: withStoredContext(job.opts, (creates[i] as (typeof creates)[number]).spanContext()),
    }));
    const added = await sendBatch(this.#tracer, this.name, 'addBulk', creates, () => super.addBulk(traced));
    creates.forEach((span, i) => {
      const id = added[i]?.id;
      if (id !== undefined) span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, id);
      span.end();
    });
    return added;
  }

  /**
   * Creates or updates a job scheduler inside a `send <queue>` span. Every job the scheduler makes
   * carries this span as its creation context, and starts its own trace linked to it.
   */
  override async upsertJobScheduler(
    jobSchedulerId: NameType,
    repeatOpts: Omit<RepeatOptions, 'key'>,
    jobTemplate?: { name?: NameType; data?: DataType; opts?: JobSchedulerTemplateOptions },
  ): Promise<Job<DataType, ResultType, NameType, JobProgress>> {
    const span = startProducerSpan(
      this.#tracer,
      this.#sendName,
      messagingAttributes(this.name, 'upsertJobScheduler', 'send'),
      jobTemplate?.name ?? jobSchedulerId,
      jobTemplate?.opts,
    );
    try {
      const template = { ...jobTemplate, opts: withStoredContext(jobTemplate?.opts, span.spanContext()) };
      const job = await context.with(trace.setSpan(context.active(), span), () =>
        super.upsertJobScheduler(jobSchedulerId, repeatOpts, template),
      );
      if (job?.id !== undefined) span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, job.id);
      span.end();
      return job;
    } catch (error) {
      failSpan(span, error);
      throw error;
    }
  }
}
