/**
 * Code written against BullMQ 6's own classes. `test/drop-in-types.test.ts` compiles this file as it
 * is and again with the first import taken from `@wideline/bullmq`, and requires the same
 * diagnostics (none) and the same type for every expression in both. Never run: it is a type corpus,
 * so `declare` stands in for values an app would have.
 */

import type * as bull from 'bullmq';
import type {
  BackendFactory,
  ConnectionOptions,
  FlowJob,
  Job,
  JobNode,
  PostgresQueueBackend,
  Processor,
  RedisQueueBackend,
  SandboxedJob,
} from 'bullmq';
import { FlowProducer, Queue, Worker } from 'bullmq'; // the line the test swaps

interface Order {
  orderId: string;
  cents: number;
}
interface Receipt {
  charged: number;
}
declare const connection: ConnectionOptions;
declare const redisFactory: BackendFactory<RedisQueueBackend, ConnectionOptions>;
declare const signalUser: (signal: AbortSignal | undefined) => void;

// Defaults: `any` data, `any` results, any job name, BullMQ's Redis backend and connection options.
export const untyped = new Queue('orders', { connection });
export const untypedAdd = untyped.add('anything', { whatever: [1, 2, 3] });
export const defaultQueue = new Queue('orders');
export const untypedWorker = new Worker('orders', async (job) => {
  const data = job.data;
  const nested = data.customer.address.city; // `any` all the way down
  return { nested, name: job.name, attempt: job.attemptsMade };
});
export const untypedWorkerWithOptions = new Worker('orders', async (job) => job.data.orderId, {
  connection,
  concurrency: 10,
  autorun: false,
});

// Typed by data.
export const orders = new Queue<Order>('orders', { connection, defaultJobOptions: { attempts: 3 } });
export const added = orders.add('charge', { orderId: 'o-1', cents: 100 });
// @ts-expect-error the data must be an Order
orders.add('charge', { orderId: 1 });
export const bulk = orders.addBulk([{ name: 'charge', data: { orderId: 'o-2', cents: 5 }, opts: { delay: 10 } }]);
export const scheduler = orders.upsertJobScheduler(
  'nightly',
  { pattern: '0 3 * * *' },
  { name: 'charge', data: { orderId: 'o-3', cents: 1 } },
);
export const found = orders.getJob('1');
export const waiting = orders.getWaiting();
orders.on('waiting', (job) => {
  const order: Order = job.data;
  return order;
});

// Typed by job: data, result and name come from the Job type.
export const byJob = new Queue<Job<Order, Receipt, 'charge' | 'refund'>>('orders', { connection });
export const byJobAdd = byJob.add('refund', { orderId: 'o-4', cents: 2 });
// @ts-expect-error not one of the queue's job names
byJob.add('ship', { orderId: 'o-5', cents: 3 });

// Every type parameter given, a backend factory passed.
export const explicit = new Queue<
  Order,
  Receipt,
  'charge',
  Order,
  Receipt,
  'charge',
  RedisQueueBackend,
  ConnectionOptions
>('orders', { connection }, redisFactory);
// @ts-expect-error only BullMQ's default backend may leave out the options, as in BullMQ
new Queue<Order, Receipt, string, Order, Receipt, string, PostgresQueueBackend>('orders');

// Workers with every type parameter: data, result, name, backend, progress, connection options.
const charge: Processor<Order, Receipt, 'charge', number> = async (job, token, signal) => {
  signalUser(signal);
  await job.updateProgress(50);
  return { charged: job.data.cents + (token ? 0 : 0) };
};
export const typedWorker = new Worker<Order, Receipt, 'charge', RedisQueueBackend, number, ConnectionOptions>(
  'orders',
  charge,
  { connection },
);
export const withFactory = new Worker<Order, Receipt, 'charge', RedisQueueBackend, number>(
  'orders',
  charge,
  { connection },
  redisFactory,
);
export const inferred = new Worker('orders', charge, { connection });
export const fileWorker = new Worker('orders', './processor.js', { connection });
export const urlWorker = new Worker<Order>('orders', new URL('file:///processor.js'), { connection });
export const manualWorker = new Worker<Order, Receipt>('orders', null, { connection });
typedWorker.on('completed', (job, result) => {
  const total: number = result.charged + job.data.cents;
  return total;
});
typedWorker.on('progress', (job, progress) => [job.id, progress]);
typedWorker.concurrency = 4;
export const running = typedWorker.run();
export const closed = typedWorker.close(true);
export const limited = Worker.RateLimitError();

// Flows.
export const flows = new FlowProducer({ connection });
export const defaultFlows = new FlowProducer();
export const flowWithFactory = new FlowProducer<RedisQueueBackend, ConnectionOptions>({ connection }, redisFactory);
const flow: FlowJob = { name: 'ship', queueName: 'orders', children: [{ name: 'pick', queueName: 'stock' }] };
export const node: Promise<JobNode> = flows.add(flow);
export const nodes = flows.addBulk([flow, flow]);

// The classes as types, subclassed, and handed to code typed with BullMQ's own classes.
export function enqueue(queue: Queue<Order>, order: Order) {
  return queue.add('charge', order);
}
export const enqueued = enqueue(orders, { orderId: 'o-6', cents: 7 });
export const asBull: bull.Queue<Order> = orders;
export const workerAsBull: bull.Worker<Order, Receipt, 'charge', RedisQueueBackend, number> = typedWorker;
export const flowsAsBull: bull.FlowProducer = flows;
export class AuditedQueue extends Queue<Order> {
  override async add(name: string, data: Order, opts?: bull.JobsOptions) {
    return super.add(name, { ...data, cents: Math.max(0, data.cents) }, opts);
  }
}
export class MyWorker<D extends Order> extends Worker<D, Receipt> {}
export type AddOf = Queue<Order>['add'];
export type WorkerInstance = InstanceType<typeof Worker<Order>>;
export const sandboxed = async (job: SandboxedJob<Order, Receipt>): Promise<Receipt> => ({ charged: job.data.cents });
