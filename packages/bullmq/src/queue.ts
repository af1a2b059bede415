/**
 * A drop-in `Queue` whose `add`, `addBulk` and `upsertJobScheduler` record producer spans and store
 * the creation context in each job's options (BullMQ's `opts.telemetry.metadata`, never the data).
 *
 * It subclasses BullMQ's public `Queue` and overrides only public methods, calling `super`; nothing
 * private is patched, so BullMQ upgrades that keep the public API keep working.
 *
 * @example
 * import { Queue } from '@wideline/bullmq';
 *
 * const orders = new Queue<{ orderId: string }>('orders', { connection: { host: 'localhost' } });
 * await orders.add('charge', { orderId: 'o-1' }); // inside a request span: one trace to the worker
 * @module
 */
import { context, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { Queue as BullQueue, type QueueOptions } from 'bullmq';
import { MESSAGING_MESSAGE_ID } from './attributes';
import { withStoredContext } from './metadata';
import {
  failSpan,
  jobAttributes,
  type ProducerTracingOptions,
  producerTracer,
  sendBatch,
  startCreateSpan,
} from './producer';

/** BullMQ queue options plus Wideline's. */
export type TracedQueueOptions = QueueOptions & { wideline?: ProducerTracingOptions };

type Base<D, R, N extends string> = BullQueue<D, R, N>;

/** BullMQ's `Queue`, traced. Same constructor and methods; `wideline` options are optional. */
export class Queue<DataType = unknown, ResultType = unknown, NameType extends string = string> extends BullQueue<
  DataType,
  ResultType,
  NameType
> {
  readonly #tracer: Tracer;
  /** The span name, built once rather than per job. */
  readonly #sendName: string;

  constructor(name: string, opts: TracedQueueOptions) {
    const { wideline, ...bullOpts } = opts;
    super(name, bullOpts);
    this.#tracer = producerTracer(wideline);
    this.#sendName = `send ${name}`;
  }

  /** Adds a job inside a PRODUCER `send <queue>` span, which becomes the job's creation context. */
  override async add(
    ...[name, data, opts]: Parameters<Base<DataType, ResultType, NameType>['add']>
  ): ReturnType<Base<DataType, ResultType, NameType>['add']> {
    const span = this.#tracer.startSpan(this.#sendName, {
      kind: SpanKind.PRODUCER,
      attributes: jobAttributes(this.name, name, opts, 'add', 'send'),
    });
    try {
      // `super.add` passed with its receiver and arguments: no closure per job.
      const job = await context.with(
        trace.setSpan(context.active(), span),
        super.add,
        this,
        name,
        data,
        withStoredContext(opts, span.spanContext()),
      );
      if (job.id !== undefined) span.setAttribute(MESSAGING_MESSAGE_ID, job.id);
      span.end();
      return job;
    } catch (error) {
      failSpan(span, error);
      throw error;
    }
  }

  /** Adds jobs atomically: a `create <queue>` span per job and one `send <queue>` span linking them. */
  override async addBulk(
    ...[jobs]: Parameters<Base<DataType, ResultType, NameType>['addBulk']>
  ): ReturnType<Base<DataType, ResultType, NameType>['addBulk']> {
    const parent = context.active();
    const creates = jobs.map((job) => startCreateSpan(this.#tracer, parent, this.name, job.name, job.opts));
    const traced = jobs.map((job, i) => ({
      ...job,
      opts: withStoredContext(job.opts, (creates[i] as (typeof creates)[number]).spanContext()),
    }));
    const added = await sendBatch(this.#tracer, this.name, 'addBulk', creates, () => super.addBulk(traced));
    creates.forEach((span, i) => {
      const id = added[i]?.id;
      if (id !== undefined) span.setAttribute(MESSAGING_MESSAGE_ID, id);
      span.end();
    });
    return added;
  }

  /**
   * Creates or updates a job scheduler inside a `send <queue>` span. Every job the scheduler makes
   * carries this span as its creation context, and starts its own trace linked to it.
   */
  override async upsertJobScheduler(
    ...[jobSchedulerId, repeatOpts, jobTemplate]: Parameters<Base<DataType, ResultType, NameType>['upsertJobScheduler']>
  ): ReturnType<Base<DataType, ResultType, NameType>['upsertJobScheduler']> {
    const span = this.#tracer.startSpan(`send ${this.name}`, {
      kind: SpanKind.PRODUCER,
      attributes: jobAttributes(
        this.name,
        jobTemplate?.name ?? jobSchedulerId,
        jobTemplate?.opts,
        'upsertJobScheduler',
        'send',
      ),
    });
    try {
      const template = { ...jobTemplate, opts: withStoredContext(jobTemplate?.opts, span.spanContext()) };
      const job = await context.with(trace.setSpan(context.active(), span), () =>
        super.upsertJobScheduler(jobSchedulerId, repeatOpts, template),
      );
      if (job?.id !== undefined) span.setAttribute(MESSAGING_MESSAGE_ID, job.id);
      span.end();
      return job;
    } catch (error) {
      failSpan(span, error);
      throw error;
    }
  }
}
