/**
 * Spans for calls through bindings: KV, R2, D1, Queues (producer side), service bindings and
 * Durable Object stubs. The env object is wrapped in a Proxy; each binding is wrapped on first
 * access and cached per binding object, so the wrapping costs one WeakMap lookup after that.
 *
 * Bindings are recognised by their runtime class name (KvNamespace, R2Bucket, …), not by duck
 * typing: RPC stubs answer every property name, so "has a get method" would misfire.
 *
 * @internal
 * @module
 */
import { type Attributes, context, isSpanContextValid, type Span, SpanKind, trace } from '@opentelemetry/api';
import { attachTraceContext, recordError } from '@wideline/core';
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_BATCH_SIZE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_RPC_METHOD,
  ATTR_RPC_SERVICE,
  ATTR_RPC_SYSTEM,
} from '@wideline/core/conventions';
import type { IsolateRuntime } from './config';
import { tracedFetch } from './outgoing';
import { rpcEnvelope } from './rpc-context';

type AnyFunction = (...args: unknown[]) => unknown;
type RuntimeRef = { current: IsolateRuntime };

const KV_METHODS = new Set(['get', 'getWithMetadata', 'put', 'delete', 'list']);
const R2_METHODS = new Set(['head', 'get', 'put', 'delete', 'list', 'createMultipartUpload']);
const D1_STATEMENT_METHODS = new Set(['first', 'all', 'run', 'raw']);
const STUB_PLAIN_PROPERTIES = new Set(['fetch', 'connect', 'id', 'name', 'then', 'dup', 'constructor']);

const UNWRAPPED = Symbol.for('wideline.unwrapped');

function kindOf(value: object): string {
  const name = (value as { constructor?: { name?: string } }).constructor?.name ?? '';
  // `@sentry/cloudflare`'s env proxy hands out functions bound to their binding, so a namespace's
  // constructor can read `bound DurableObjectNamespace`.
  return name.replace(/^(?:bound )+/, '');
}

/** What a binding call's span is. */
interface CallSpan {
  name: string;
  attributes: Attributes;
  /** Default CLIENT. */
  kind?: SpanKind;
  /**
   * The call carries trace context to its callee (RPC, Queues). Under an unsampled parent it still
   * runs inside a (non-recording) span, whose context goes out with flags `00` and the caller's
   * tracestate, so the callee continues the trace. Calls that carry nothing skip that span.
   */
  carriesContext?: boolean;
  /** Reads the call's result for attributes (recording spans only). */
  onResult?: (span: Span, result: unknown) => void;
}

/** Runs `call` inside a span when there is a trace to be part of; plain call otherwise. */
function spanned(ref: RuntimeRef, unit: CallSpan, call: () => unknown): unknown {
  const active = context.active();
  const parent = trace.getSpan(active);
  const recording = parent?.isRecording() === true;
  if (!recording && !(unit.carriesContext && parent && isSpanContextValid(parent.spanContext()))) return call();
  const span = ref.current.tracing.tracer.startSpan(
    unit.name,
    { kind: unit.kind ?? SpanKind.CLIENT, attributes: unit.attributes },
    active,
  );
  if (!span.isRecording()) return context.with(trace.setSpan(active, span), call);
  let result: unknown;
  try {
    result = context.with(trace.setSpan(active, span), call);
  } catch (error) {
    recordError(span, error);
    span.end();
    throw error;
  }
  // Bindings return promises (or RPC promise-likes); observe them without changing what is returned.
  Promise.resolve(result).then(
    (value) => {
      try {
        unit.onResult?.(span, value);
      } catch {
        // Reading the result for attributes must never affect the caller.
      }
      span.end();
    },
    (error: unknown) => {
      recordError(span, error);
      span.end();
    },
  );
  return result;
}

function methodProxy<T extends object>(
  target: T,
  wrap: (name: string, method: AnyFunction, target: T) => AnyFunction | undefined,
): T {
  const cache = new Map<string, AnyFunction>();
  return new Proxy(target, {
    get(obj, prop) {
      if (prop === UNWRAPPED) return obj;
      const value = Reflect.get(obj, prop, obj);
      if (typeof prop !== 'string' || typeof value !== 'function') return value;
      const cached = cache.get(prop);
      if (cached) return cached;
      // Reflect.apply, never fn.apply/bind: on RPC stubs those names are remote method lookups.
      const wrapped =
        wrap(prop, value as AnyFunction, obj) ??
        ((...args: unknown[]) => Reflect.apply(value as AnyFunction, obj, args));
      cache.set(prop, wrapped);
      return wrapped;
    },
  });
}

function d1Statement(ref: RuntimeRef, binding: string, sql: string, target: object): object {
  return methodProxy(target, (method, fn, obj) => {
    if (method === 'bind')
      return (...args: unknown[]) => d1Statement(ref, binding, sql, Reflect.apply(fn, obj, args) as object);
    if (!D1_STATEMENT_METHODS.has(method)) return undefined;
    const attributes: Attributes = {
      [ATTR_DB_SYSTEM_NAME]: 'cloudflare.d1',
      [ATTR_DB_NAMESPACE]: binding,
      [ATTR_DB_OPERATION_NAME]: method,
      [ATTR_DB_QUERY_TEXT]: sql,
    };
    const unit: CallSpan = {
      name: `D1 ${method}`,
      attributes,
      onResult(span, result) {
        const meta = (result as { meta?: { rows_read?: unknown; rows_written?: unknown } } | null)?.meta;
        if (typeof meta?.rows_read === 'number') span.setAttribute('cloudflare.d1.rows_read', meta.rows_read);
        if (typeof meta?.rows_written === 'number') span.setAttribute('cloudflare.d1.rows_written', meta.rows_written);
      },
    };
    return (...args: unknown[]) => spanned(ref, unit, () => Reflect.apply(fn, obj, args));
  });
}

function unwrap<T>(value: T): T {
  return ((value as { [UNWRAPPED]?: T } | null)?.[UNWRAPPED] as T | undefined) ?? value;
}

/**
 * A service binding or Durable Object stub: traced, context-carrying `fetch`; spans for RPC calls,
 * which carry the CLIENT span's context in a trailing envelope (see rpc-context.ts).
 */
function stub(ref: RuntimeRef, binding: string, target: object, system: string): object {
  return methodProxy(target, (method, fn, obj) => {
    if (method === 'fetch')
      return (input: unknown, init?: unknown) =>
        tracedFetch(
          ref.current,
          {
            call(i, n) {
              return Reflect.apply(fn, obj, [i, n]) as Promise<Response>;
            },
            internal: true,
            attributes: { 'cloudflare.binding': binding },
          },
          input as RequestInfo,
          init as RequestInit | undefined,
        );
    if (STUB_PLAIN_PROPERTIES.has(method)) return undefined;
    return (...args: unknown[]) =>
      spanned(
        ref,
        {
          name: `${binding}.${method}`,
          attributes: { [ATTR_RPC_SYSTEM]: system, [ATTR_RPC_SERVICE]: binding, [ATTR_RPC_METHOD]: method },
          carriesContext: true,
        },
        () => {
          // Inside the CLIENT span: the callee's SERVER span becomes its child.
          const envelope = ref.current.config.rpcTraceContext === false ? undefined : rpcEnvelope(context.active());
          return Reflect.apply(fn, obj, envelope ? [...args, envelope] : args);
        },
      );
  });
}

/**
 * The wrapper of a key-value store binding (KV, R2): a CLIENT span per call of `methods`, named
 * `<label> <method>`, with `db.system.name` `cloudflare.<store>`, the binding as `db.namespace`, the
 * key (a string first argument) as `cloudflare.<store>.key`, and what `onResult` reads from the answer.
 */
function keyedStore(
  store: string,
  label: string,
  methods: ReadonlySet<string>,
  onResult: (span: Span, method: string, result: unknown) => void,
): (ref: RuntimeRef, binding: string, target: object) => object {
  return (ref, binding, target) =>
    methodProxy(target, (method, fn, obj) => {
      if (!methods.has(method)) return undefined;
      return (...args: unknown[]) => {
        const attributes: Attributes = {
          [ATTR_DB_SYSTEM_NAME]: `cloudflare.${store}`,
          [ATTR_DB_NAMESPACE]: binding,
          [ATTR_DB_OPERATION_NAME]: method,
        };
        if (typeof args[0] === 'string') attributes[`cloudflare.${store}.key`] = args[0];
        const unit: CallSpan = {
          name: `${label} ${method}`,
          attributes,
          onResult: (span, result) => onResult(span, method, result),
        };
        return spanned(ref, unit, () => Reflect.apply(fn, obj, args));
      };
    });
}

/** A wrapper per binding class, keyed by the runtime's class name (see {@link kindOf}). */
const WRAPPERS: Record<string, (ref: RuntimeRef, binding: string, target: object) => object> = {
  KvNamespace: keyedStore('kv', 'KV', KV_METHODS, (span, method, result) => {
    if (method === 'get') span.setAttribute('cloudflare.kv.hit', result !== null);
  }),
  R2Bucket: keyedStore('r2', 'R2', R2_METHODS, (span, method, result) => {
    if (method === 'get' || method === 'head') span.setAttribute('cloudflare.r2.hit', result !== null);
    const size = (result as { size?: unknown } | null)?.size;
    if (typeof size === 'number') span.setAttribute('cloudflare.r2.size', size);
  }),
  D1Database(ref, binding, target) {
    return methodProxy(target, (method, fn, obj) => {
      const attributes: Attributes = { [ATTR_DB_SYSTEM_NAME]: 'cloudflare.d1', [ATTR_DB_NAMESPACE]: binding };
      if (method === 'prepare')
        return (sql: unknown) => d1Statement(ref, binding, String(sql), Reflect.apply(fn, obj, [sql]) as object);
      if (method === 'batch')
        return (statements: unknown) => {
          // The runtime's batch reads its own statement objects; hand it those, not our proxies.
          const raw = Array.isArray(statements) ? statements.map(unwrap) : statements;
          const count = Array.isArray(raw) ? raw.length : 0;
          return spanned(
            ref,
            {
              name: 'D1 batch',
              attributes: { ...attributes, [ATTR_DB_OPERATION_NAME]: 'batch', [ATTR_DB_OPERATION_BATCH_SIZE]: count },
            },
            () => Reflect.apply(fn, obj, [raw]),
          );
        };
      if (method === 'exec')
        return (sql: unknown) =>
          spanned(
            ref,
            {
              name: 'D1 exec',
              attributes: { ...attributes, [ATTR_DB_OPERATION_NAME]: 'exec', [ATTR_DB_QUERY_TEXT]: String(sql) },
            },
            () => Reflect.apply(fn, obj, [sql]),
          );
      return undefined;
    });
  },
  WorkerQueue(ref, binding, target) {
    return methodProxy(target, (method, fn, obj) => {
      if (method !== 'send' && method !== 'sendBatch') return undefined;
      return (...args: unknown[]) => {
        const queue = ref.current.config.queueNames?.[binding];
        const attributes: Attributes = {
          [ATTR_MESSAGING_SYSTEM]: 'cloudflare_queues',
          [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
          [ATTR_MESSAGING_OPERATION_NAME]: method,
          'cloudflare.binding': binding,
        };
        if (queue !== undefined) attributes[ATTR_MESSAGING_DESTINATION_NAME] = queue;
        if (method === 'sendBatch' && Array.isArray(args[0]))
          attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = args[0].length;
        return spanned(
          ref,
          { name: `send ${queue ?? binding}`, attributes, kind: SpanKind.PRODUCER, carriesContext: true },
          () => {
            const spanContext = trace.getActiveSpan()?.spanContext();
            const injected =
              method === 'send'
                ? [attachTraceContext(args[0], spanContext), ...args.slice(1)]
                : [
                    Array.isArray(args[0])
                      ? args[0].map((m: { body?: unknown }) =>
                          m && typeof m === 'object' ? { ...m, body: attachTraceContext(m.body, spanContext) } : m,
                        )
                      : args[0],
                    ...args.slice(1),
                  ];
            return Reflect.apply(fn, obj, injected);
          },
        );
      };
    });
  },
  DurableObjectNamespace(ref, binding, target) {
    return methodProxy(target, (method, fn, obj) => {
      if (method !== 'get' && method !== 'getByName') return undefined;
      return (...args: unknown[]) =>
        stub(ref, binding, Reflect.apply(fn, obj, args) as object, 'cloudflare_durable_object');
    });
  },
  Fetcher(ref, binding, target) {
    return stub(ref, binding, target, 'cloudflare_service_binding');
  },
};

const wrappedEnvs = new WeakMap<object, { env: object; ref: RuntimeRef }>();

/**
 * The env with its bindings traced. The same env object always yields the same proxy, and its
 * runtime reference is refreshed (tests may replace the runtime).
 */
export function instrumentEnv<Env>(env: Env, runtime: IsolateRuntime): Env {
  if (typeof env !== 'object' || env === null || runtime.config.instrumentBindings === false) return env;
  const existing = wrappedEnvs.get(env);
  if (existing) {
    existing.ref.current = runtime;
    return existing.env as Env;
  }
  const ref: RuntimeRef = { current: runtime };
  const bindings = new Map<PropertyKey, object>();
  const proxy = new Proxy(env, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'object' || value === null || typeof prop !== 'string') return value;
      const cached = bindings.get(prop);
      if (cached) return cached;
      const wrap = WRAPPERS[kindOf(value)];
      if (!wrap) return value;
      const wrapped = wrap(ref, prop, value);
      bindings.set(prop, wrapped);
      return wrapped;
    },
  });
  wrappedEnvs.set(env, { env: proxy, ref });
  return proxy;
}
