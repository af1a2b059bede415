/**
 * A drop-in `FlowProducer` that records a `create <queue>` span per node (nested as the flow is) and
 * one `send` span for the whole flow. Each node's creation context goes into its own options; a
 * parent node's also lists its children, so the parent's process span can link to them.
 *
 * @example
 * import { FlowProducer } from '@wideline/bullmq';
 *
 * const flows = new FlowProducer({ connection: { host: 'localhost' } });
 * await flows.add({ name: 'ship', queueName: 'orders', children: [{ name: 'pick', queueName: 'stock' }] });
 * @module
 */
import { type Context, context, type Span, type Tracer, trace } from '@opentelemetry/api';
import { ATTR_MESSAGING_MESSAGE_ID } from '@wideline/core/conventions';
import {
  type BackendFactory,
  FlowProducer as BullFlowProducer,
  type ConnectionOptions,
  type FlowJob,
  type FlowOpts,
  type FlowProducerOptions,
  type IQueueBackend,
  type JobNode,
  type RedisQueueBackend,
} from 'bullmq';
import type { OptionalOptionsArgs } from './bullmq-types';
import { withStoredContext } from './metadata';
import { type ProducerTracingOptions, producerTracer, sendBatch, startCreateSpan } from './producer';

/** BullMQ flow producer options plus Wideline's. */
export type TracedFlowProducerOptions<ConnectionOptionsType = ConnectionOptions> =
  FlowProducerOptions<ConnectionOptionsType> & { wideline?: ProducerTracingOptions };

interface PlannedNode {
  flow: FlowJob;
  span: Span;
  children: PlannedNode[];
}

function plan(tracer: Tracer, node: FlowJob, parent: Context, all: Span[]): PlannedNode {
  const span = startCreateSpan(tracer, parent, node.queueName, node.name, node.opts);
  all.push(span);
  const inner = trace.setSpan(parent, span);
  const children = (node.children ?? []).map((child) => plan(tracer, child as FlowJob, inner, all));
  const opts = withStoredContext(
    node.opts,
    span.spanContext(),
    children.map((c) => c.span.spanContext()),
  );
  const flow = { ...node, opts } as FlowJob;
  if (children.length > 0) (flow as { children: FlowJob[] }).children = children.map((c) => c.flow);
  return { flow, span, children };
}

function finish(planned: PlannedNode, added: JobNode | undefined): void {
  const id = added?.job.id;
  if (id !== undefined) planned.span.setAttribute(ATTR_MESSAGING_MESSAGE_ID, id);
  planned.span.end();
  planned.children.forEach((child, i) => {
    finish(child, added?.children?.[i]);
  });
}

function destinationOf(flows: readonly FlowJob[]): string {
  const names = new Set(flows.map((f) => f.queueName));
  return names.size === 1 ? (flows[0] as FlowJob).queueName : 'flows';
}

/** BullMQ's `FlowProducer`, traced: the same type parameters, defaults and constructor overloads. */
export class FlowProducer<
  B extends IQueueBackend = RedisQueueBackend,
  ConnectionOptionsType = ConnectionOptions,
> extends BullFlowProducer<B, ConnectionOptionsType> {
  readonly #tracer: Tracer;

  constructor(
    opts: TracedFlowProducerOptions<NoInfer<ConnectionOptionsType>>,
    backendFactory: BackendFactory<B, ConnectionOptionsType>,
  );
  constructor(opts: TracedFlowProducerOptions<NoInfer<ConnectionOptionsType>>, backendFactory?: undefined);
  constructor(...args: OptionalOptionsArgs<B, ConnectionOptionsType, TracedFlowProducerOptions>);
  constructor(
    opts?: TracedFlowProducerOptions<ConnectionOptionsType>,
    backendFactory?: BackendFactory<B, ConnectionOptionsType>,
  ) {
    const { wideline, ...bullOpts } = opts ?? {};
    // No options stay no options, so BullMQ applies its own defaults; the casts go back from the
    // implementation signature to the one BullMQ's constructor takes.
    super(
      (opts === undefined ? undefined : bullOpts) as FlowProducerOptions<NoInfer<ConnectionOptionsType>>,
      backendFactory as BackendFactory<B, ConnectionOptionsType>,
    );
    this.#tracer = producerTracer(wideline);
  }

  /** Adds a flow: one `send` span, a `create` span per node. */
  override async add(flow: FlowJob, opts?: FlowOpts): Promise<JobNode> {
    const all: Span[] = [];
    const planned = plan(this.#tracer, flow, context.active(), all);
    const added = await sendBatch(this.#tracer, flow.queueName, 'addFlow', all, () => super.add(planned.flow, opts));
    finish(planned, added);
    return added;
  }

  /** Adds several flows atomically: one `send` span, a `create` span per node. */
  override async addBulk(flows: FlowJob[]): Promise<JobNode[]> {
    const all: Span[] = [];
    const parent = context.active();
    const planned = flows.map((flow) => plan(this.#tracer, flow, parent, all));
    const added = await sendBatch(this.#tracer, destinationOf(flows), 'addBulkFlows', all, () =>
      super.addBulk(planned.map((p) => p.flow)),
    );
    planned.forEach((p, i) => {
      finish(p, added[i]);
    });
    return added;
  }
}
