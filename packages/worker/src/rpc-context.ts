/**
 * W3C trace context over Workers RPC (Durable Object stubs, service bindings to a
 * `WorkerEntrypoint`). RPC calls have no headers, so the caller appends one trailing argument, an
 * envelope that survives the runtime's structured clone (a plain object with one well-known string
 * key), and the callee's instrumented method removes it before user code sees the arguments.
 *
 * The callee must be instrumented by Wideline (`instrument`/`instrumentDO`) to strip it; an
 * uninstrumented callee would see one extra trailing argument, which is why `rpcTraceContext: false`
 * turns the caller side off.
 *
 * @internal
 * @module
 */
import { type Context, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { propagator } from './config';

/** The envelope's one key; long and specific so that no application argument has it by accident. */
export const RPC_CONTEXT_KEY = '__wideline_trace_context__';

/** `traceparent`, and `tracestate`/`baggage` when present: what an HTTP request would carry. */
export type RpcCarrier = Record<string, string>;

/** The trailing argument an RPC caller appends. */
export interface RpcEnvelope {
  [RPC_CONTEXT_KEY]: RpcCarrier;
}

/** The envelope for `ctx`'s span, or `undefined` when there is no valid span to continue. Never throws. */
export function rpcEnvelope(ctx: Context): RpcEnvelope | undefined {
  try {
    if (!trace.getSpan(ctx)) return undefined;
    const carrier: RpcCarrier = {};
    propagator.inject(ctx, carrier, defaultTextMapSetter);
    return carrier.traceparent ? { [RPC_CONTEXT_KEY]: carrier } : undefined;
  } catch {
    return undefined;
  }
}

function isEnvelope(value: unknown): value is RpcEnvelope {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const carrier = (value as Partial<RpcEnvelope>)[RPC_CONTEXT_KEY];
  return typeof carrier === 'object' && carrier !== null && Object.keys(value).length === 1;
}

/**
 * Splits a callee's arguments into the caller's arguments and the caller's context (the root when
 * no envelope came: a new trace). A malformed `traceparent` in an envelope also gives the root.
 * Never throws.
 */
export function takeRpcContext(args: unknown[]): { args: unknown[]; parent: Context } {
  const last = args[args.length - 1];
  if (!isEnvelope(last)) return { args, parent: ROOT_CONTEXT };
  const rest = args.slice(0, -1);
  try {
    return { args: rest, parent: propagator.extract(ROOT_CONTEXT, last[RPC_CONTEXT_KEY], defaultTextMapGetter) };
  } catch {
    return { args: rest, parent: ROOT_CONTEXT };
  }
}
