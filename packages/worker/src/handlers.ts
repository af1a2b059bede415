/**
 * `instrument()`: module-syntax handlers (`fetch`, `scheduled`, `queue`) and `WorkerEntrypoint`
 * classes. Each invocation is one unit of work (one local root span, one wide event), flushed under
 * `waitUntil` when it ends.
 *
 * @module
 */
import { type Attributes, ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { readTraceContext } from '@wideline/core';
import {
  ATTR_FAAS_CRON,
  ATTR_FAAS_TIME,
  ATTR_FAAS_TRIGGER,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
  ATTR_RPC_SYSTEM,
} from '@wideline/core/conventions';
import { stripTraceContext } from '@wideline/core/sdk';
import { instrumentEnv } from './bindings';
import { type ConfigOrFactory, type IsolateRuntime, isolateRuntime } from './config';
import { answersThrown, traceFetch } from './incoming';
import { runTraced, type WaitUntilHost } from './invocation';
import { instrumentGlobalFetch } from './outgoing';
import { batchParent, spanContextOf } from './queue';
import { takeRpcContext } from './rpc-context';

type AnyFunction = (...args: unknown[]) => unknown;

/** The runtime for this invocation, with global `fetch` instrumented. @internal */
export function runtimeFor<Env>(config: ConfigOrFactory<Env>, env: Env): IsolateRuntime {
  const runtime = isolateRuntime(config, env);
  instrumentGlobalFetch(runtime);
  return runtime;
}

interface MessageLike {
  id?: string;
  body?: unknown;
}

interface BatchLike {
  queue: string;
  messages: readonly MessageLike[];
}

const COUNTED_CALLS: Record<string, string> = {
  ack: 'messaging.cloudflare.acked',
  retry: 'messaging.cloudflare.retried',
  ackAll: 'messaging.cloudflare.acked_all',
  retryAll: 'messaging.cloudflare.retried_all',
};

/**
 * Counts ack/retry calls on the unit's span, passing them through unchanged. On the span itself, not
 * through `wideEvent()`: the consumer span is the unit's local root, and a Worker that never reads
 * its wide event then does not carry that module.
 */
function countingProxy<T extends object>(
  target: T,
  overrides: Record<PropertyKey, unknown>,
  count: (counter: string) => void,
): T {
  return new Proxy(target, {
    get(obj, prop) {
      if (prop in overrides) return overrides[prop];
      const value = Reflect.get(obj, prop, obj);
      if (typeof value !== 'function') return value;
      const counter = typeof prop === 'string' ? COUNTED_CALLS[prop] : undefined;
      return (...args: unknown[]) => {
        if (counter) count(counter);
        return (value as AnyFunction).apply(obj, args);
      };
    },
  });
}

/** Runs a queue consumer batch as one CONSUMER unit that continues (or links to) its producers. */
export function traceQueue<T>(
  runtime: IsolateRuntime,
  host: WaitUntilHost | undefined,
  batch: BatchLike,
  run: (batch: BatchLike) => T | Promise<T>,
): Promise<T> {
  const envelopes = batch.messages.map((m) => readTraceContext(m.body));
  const { parent, links } = batchParent(envelopes.map(spanContextOf));
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: 'cloudflare_queues',
    [ATTR_MESSAGING_DESTINATION_NAME]: batch.queue,
    [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
    [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: batch.messages.length,
  };
  const first = batch.messages[0];
  if (batch.messages.length === 1 && first?.id) attributes[ATTR_MESSAGING_MESSAGE_ID] = first.id;
  return runTraced(
    runtime,
    host,
    { name: `process ${batch.queue}`, kind: SpanKind.CONSUMER, attributes, parent, links },
    (span) => {
      const counts: Record<string, number> = {};
      const count = (counter: string) => {
        counts[counter] = (counts[counter] ?? 0) + 1;
        span.setAttribute(counter, counts[counter]);
      };
      const messages = batch.messages.map((m) => countingProxy(m, { body: stripTraceContext(m.body) }, count));
      return run(countingProxy(batch, { messages }, count));
    },
  );
}

/** Runs a cron trigger as one unit. */
export function traceScheduled<T>(
  runtime: IsolateRuntime,
  host: WaitUntilHost | undefined,
  controller: { cron?: string; scheduledTime?: number },
  run: () => T | Promise<T>,
): Promise<T> {
  const attributes: Attributes = { [ATTR_FAAS_TRIGGER]: 'timer' };
  if (controller.cron) attributes[ATTR_FAAS_CRON] = controller.cron;
  if (controller.scheduledTime !== undefined)
    attributes[ATTR_FAAS_TIME] = new Date(controller.scheduledTime).toISOString();
  return runTraced(
    runtime,
    host,
    { name: `scheduled ${controller.cron ?? ''}`.trim(), kind: SpanKind.INTERNAL, attributes, parent: ROOT_CONTEXT },
    run,
  );
}

/**
 * Runs an RPC method call (WorkerEntrypoint or Durable Object) as one SERVER unit. The caller's
 * context envelope, when its wrapper appended one, is taken off the arguments and continued; `run`
 * gets the caller's own arguments.
 */
export function traceRpc<T>(
  runtime: IsolateRuntime,
  host: WaitUntilHost | undefined,
  service: string,
  method: string,
  system: string,
  args: unknown[],
  run: (args: unknown[]) => T | Promise<T>,
): Promise<T> {
  const carried = takeRpcContext(args);
  return runTraced(
    runtime,
    host,
    {
      name: `${service}.${method}`,
      kind: SpanKind.SERVER,
      attributes: { [ATTR_RPC_SYSTEM]: system, [ATTR_RPC_SERVICE]: service, [ATTR_RPC_METHOD]: method },
      parent: carried.parent,
    },
    () => run(carried.args),
  );
}

/** Method names a class defines (own and inherited), up to but excluding the runtime's base class. */
export function classMethods(Class: abstract new (...args: never[]) => unknown): string[] {
  const names = new Set<string>();
  for (let proto = Class.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const base = (proto.constructor as { name?: string } | undefined)?.name;
    if (base === 'WorkerEntrypoint' || base === 'DurableObject') break;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || name.startsWith('_')) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (typeof descriptor?.value === 'function') names.add(name);
    }
  }
  return [...names];
}

/** The handler kinds a module handler object and a `WorkerEntrypoint` class share. */
const HANDLER_KINDS = ['fetch', 'scheduled', 'queue'] as const;
type HandlerKind = (typeof HANDLER_KINDS)[number];

/**
 * Traces one `fetch`, `scheduled` or `queue` invocation; `run` calls the handler with its first
 * argument (the queue's batch traced). A thrown `fetch` error is answered with a 500 that carries
 * traceresponse, unless the handler asked the runtime to pass the request through to the origin.
 */
function traceHandler(
  kind: HandlerKind,
  runtime: IsolateRuntime,
  ctx: WaitUntilHost,
  first: unknown,
  run: (first: unknown) => unknown,
): Promise<unknown> {
  if (kind === 'queue') return traceQueue(runtime, ctx, first as BatchLike, run);
  if (kind === 'scheduled') return traceScheduled(runtime, ctx, first as { cron?: string }, () => run(first));
  return traceFetch(
    runtime,
    ctx,
    first as Request,
    () => run(first) as Promise<Response>,
    undefined,
    answersThrown(ctx),
  );
}

// biome-ignore lint/suspicious/noExplicitAny: constructor signatures of user classes vary.
type EntrypointClass = new (...args: any[]) => any;

function instrumentEntrypoint<C extends EntrypointClass, Env>(Class: C, config: ConfigOrFactory<Env>): C {
  const Instrumented = class extends Class {
    // biome-ignore lint/suspicious/noExplicitAny: forwarded as the runtime passes them.
    constructor(...args: any[]) {
      const [ctx, env] = args;
      super(ctx, instrumentEnv(env, runtimeFor(config, env)));
    }
  };
  for (const name of classMethods(Class)) {
    const original = Class.prototype[name] as AnyFunction;
    // Decided once per method, not per call.
    const kind = (HANDLER_KINDS as readonly string[]).includes(name) ? (name as HandlerKind) : undefined;
    const wrapped = function (this: { ctx: WaitUntilHost; env: Env }, ...args: unknown[]) {
      const runtime = runtimeFor(config, this.env);
      if (kind)
        return traceHandler(kind, runtime, this.ctx, args[0], (first) => original.call(this, first, ...args.slice(1)));
      return traceRpc(runtime, this.ctx, Class.name, name, 'cloudflare_worker_entrypoint', args, (own) =>
        original.apply(this, own),
      );
    };
    Object.defineProperty(Instrumented.prototype, name, { value: wrapped, writable: true, configurable: true });
  }
  Object.defineProperty(Instrumented, 'name', { value: Class.name });
  return Instrumented;
}

/** A module-syntax handler object (`export default { fetch, scheduled, queue }`). */
export interface ModuleHandler<Env = unknown> {
  fetch?(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>;
  scheduled?(controller: ScheduledController, env: Env, ctx: ExecutionContext): void | Promise<void>;
  // Method syntax: parameters are checked bivariantly, so a handler typed for its own message body
  // (`MessageBatch<Order>`) fits without `any`.
  queue?(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): void | Promise<void>;
}

type AnyHandler<Env> = (first: unknown, env: Env, ctx: ExecutionContext) => unknown;

function instrumentModule<H extends ModuleHandler<Env>, Env>(handler: H, config: ConfigOrFactory<Env>): H {
  const result = { ...handler } as Record<string, unknown>;
  for (const kind of HANDLER_KINDS) {
    const method = handler[kind] as AnyHandler<Env> | undefined;
    if (!method) continue;
    result[kind] = ((first, env, ctx) => {
      const runtime = runtimeFor(config, env);
      const traced = instrumentEnv(env, runtime);
      return traceHandler(kind, runtime, ctx, first, (arg) => method.call(handler, arg, traced, ctx));
    }) satisfies AnyHandler<Env>;
  }
  return result as H;
}

/**
 * Traces a Worker: every `fetch`, `scheduled` and `queue` invocation (or, for a `WorkerEntrypoint`
 * class, every `fetch` and RPC method) becomes one unit of work with its own wide event; outgoing
 * `fetch` and binding calls become child spans; spans are exported after the response, under
 * `ctx.waitUntil`. Needs the `nodejs_compat` compatibility flag.
 *
 * @param handler - the module handler object or a `WorkerEntrypoint` class.
 * @param config - a {@link WorkerConfig}, or a function of `env` returning one. `OTEL_*` bindings
 *   are read too (options win).
 * @example
 * import { instrument } from '@wideline/worker';
 *
 * export default instrument(
 *   { async fetch(request, env) { return fetch('https://api.example.com/items'); } },
 *   (env) => ({ serviceName: 'edge-api', propagateTo: ['api.example.com'] }),
 * );
 */
export function instrument<H, Env = unknown>(handler: H, config: ConfigOrFactory<Env>): H {
  if (typeof handler === 'function') return instrumentEntrypoint(handler as EntrypointClass, config) as H;
  return instrumentModule(handler as ModuleHandler<Env>, config) as H;
}
