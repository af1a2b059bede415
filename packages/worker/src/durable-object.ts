/**
 * `instrumentDO()`: Durable Objects — `fetch`, `alarm`, RPC methods, and hibernated WebSocket
 * handlers. Each WebSocket message is a unit of work that continues the trace the client put in the
 * message; each connection yields one wide event (span `websocket connection`) when it closes.
 *
 * @module
 */
import { type Attributes, type Context, ROOT_CONTEXT, type SpanContext, SpanKind, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE, ATTR_FAAS_TRIGGER, ATTR_RPC_SERVICE } from '@wideline/core/conventions';
import { instrumentEnv } from './bindings';
import type { ConfigOrFactory, IsolateRuntime } from './config';
import { classMethods, runtimeFor, traceRpc } from './handlers';
import { traceFetch } from './incoming';
import { runTraced, type WaitUntilHost } from './invocation';
import { spanContextOf } from './queue';
import {
  type ConnectionStats,
  connectionContext,
  connectionIds,
  countMessage,
  parseMessage,
  patchSocket,
  readStats,
  startStats,
  upgradeContext,
  writeStats,
} from './websocket';

type AnyFunction = (...args: unknown[]) => unknown;
// biome-ignore lint/suspicious/noExplicitAny: constructor signatures of user classes vary.
type DurableObjectClass = new (...args: any[]) => any;

interface SocketLike {
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
}

interface StateLike extends WaitUntilHost {
  acceptWebSocket?: (ws: SocketLike, tags?: string[]) => void;
  getWebSockets?: (tag?: string) => SocketLike[];
}

const STATE_PATCHED = Symbol.for('wideline.durableObjectState');

/**
 * Patches the object's state in place (the runtime's DurableObject base class accepts only the
 * real state object, so a Proxy will not do): accepted sockets start their counters, listed sockets
 * keep them apart from the application's attachment. Idempotent.
 */
function instrumentState(state: StateLike, runtime: IsolateRuntime): void {
  const patched = state as StateLike & { [STATE_PATCHED]?: true };
  if (patched[STATE_PATCHED]) return;
  const accept = state.acceptWebSocket;
  const list = state.getWebSockets;
  try {
    Object.defineProperty(state, STATE_PATCHED, { value: true });
    if (typeof accept === 'function')
      Object.defineProperty(state, 'acceptWebSocket', {
        configurable: true,
        value: (ws: SocketLike, tags?: string[]) => {
          const result = Reflect.apply(accept, state, tags === undefined ? [ws] : [ws, tags]);
          startStats(ws, trace.getActiveSpan()?.spanContext(), runtime.config.acceptTraceContext !== 'never');
          patchSocket(ws);
          return result;
        },
      });
    if (typeof list === 'function')
      Object.defineProperty(state, 'getWebSockets', {
        configurable: true,
        value: (...args: unknown[]) => {
          const sockets = Reflect.apply(list, state, args) as SocketLike[];
          for (const ws of sockets) patchSocket(ws);
          return sockets;
        },
      });
  } catch {
    // A state object that cannot be patched still works; its sockets are counted from the handlers.
  }
}

/**
 * A message's parent: the context its client put in it (when the upgrade allowed that), else none —
 * a new trace linked to the connection it arrived on.
 */
function messageParent(
  stats: ConnectionStats,
  carried: SpanContext | undefined,
): { parent: Context; links?: { context: SpanContext }[] } {
  if (carried && stats.a) return { parent: trace.setSpanContext(ROOT_CONTEXT, carried) };
  const connection = connectionContext(stats) ?? upgradeContext(stats);
  return { parent: ROOT_CONTEXT, ...(connection ? { links: [{ context: connection }] } : {}) };
}

function connectionAttributes(stats: ConnectionStats, now: number): Attributes {
  const attributes: Attributes = {
    'websocket.connected_at': new Date(stats.c).toISOString(),
    'websocket.disconnected_at': new Date(now).toISOString(),
    'websocket.duration_ms': now - stats.c,
    'websocket.message_count': stats.m,
    'websocket.error_count': stats.e,
  };
  for (const [type, count] of Object.entries(stats.t)) attributes[`websocket.messages_by_type.${type}`] = count;
  if (stats.le) attributes['websocket.last_error'] = stats.le;
  return attributes;
}

/** The parent for a socket's error and close: the request that opened it, if any. */
function upgradeParent(stats: ConnectionStats): Context {
  const upgrade = upgradeContext(stats);
  return upgrade ? trace.setSpanContext(ROOT_CONTEXT, upgrade) : ROOT_CONTEXT;
}

function noteError(stats: ConnectionStats, error: unknown): void {
  stats.e++;
  stats.le = String((error as Error)?.message ?? error).slice(0, 200);
}

/** What a hibernation handler gets: the socket's counters, and how to call the application's handler. */
interface SocketCall {
  host: { runtime: IsolateRuntime; state: StateLike };
  ws: SocketLike;
  stats: ConnectionStats;
  args: unknown[];
  className: string;
  /** Calls the application's handler with these arguments. */
  call: (args: unknown[]) => unknown;
}

/** `webSocketMessage`: a SERVER span per message, the handler given the message without our field. */
function traceMessage({ host, ws, stats, args, className, call }: SocketCall): Promise<unknown> {
  const parsed = parseMessage(args[1]);
  countMessage(stats, parsed.type);
  writeStats(ws, stats);
  const attributes: Attributes = {
    'websocket.message.type': parsed.type,
    'websocket.message.size': parsed.size,
    'websocket.message.index': stats.m,
    [ATTR_RPC_SERVICE]: className,
  };
  if (parsed.fields?.correlationId) attributes['wideline.correlation_id'] = parsed.fields.correlationId;
  const unit = messageParent(stats, spanContextOf(parsed.fields));
  const own = [args[0], parsed.payload, ...args.slice(2)];
  return runTraced(
    host.runtime,
    host.state,
    { name: `websocket message ${parsed.type}`, kind: SpanKind.SERVER, attributes, ...unit },
    () => call(own),
  ).catch((error: unknown) => {
    // Read again: the handler may have written the attachment meanwhile.
    const latest = readStats(ws);
    noteError(latest, error);
    writeStats(ws, latest);
    throw error;
  });
}

/** `webSocketError`: counted on the connection, and a span under the request that opened it. */
function traceSocketError({ host, ws, stats, args, className, call }: SocketCall): Promise<unknown> {
  noteError(stats, args[1]);
  writeStats(ws, stats);
  const attributes = { [ATTR_ERROR_TYPE]: (args[1] as Error)?.name ?? 'WebSocketError', [ATTR_RPC_SERVICE]: className };
  return runTraced(
    host.runtime,
    host.state,
    { name: 'websocket error', kind: SpanKind.INTERNAL, attributes, parent: upgradeParent(stats) },
    () => call(args),
  );
}

/**
 * `webSocketClose`: the connection's one wide event. Its span runs from connect to now, with the ids
 * drawn at connect (its messages link to them), and the application's close handler runs inside
 * it, so wideEvent() there adds to the connection.
 */
function traceClose({ host, ws, stats, args, className, call }: SocketCall): Promise<unknown> {
  const attributes = connectionAttributes(stats, Date.now());
  attributes['websocket.close.code'] = Number(args[1]);
  attributes['websocket.close.reason'] = String(args[2] ?? '').slice(0, 123);
  attributes['websocket.close.was_clean'] = args[3] === true;
  attributes[ATTR_RPC_SERVICE] = className;
  stats.x = true;
  writeStats(ws, stats);
  const ids = connectionIds(stats);
  return runTraced(
    host.runtime,
    host.state,
    {
      name: 'websocket connection',
      kind: SpanKind.SERVER,
      attributes,
      parent: upgradeParent(stats),
      startTime: stats.c,
      ...(ids ? { ids } : {}),
    },
    () => call(args),
  );
}

const HIBERNATION_HANDLERS: Record<string, (socket: SocketCall) => Promise<unknown>> = {
  webSocketMessage: traceMessage,
  webSocketError: traceSocketError,
  webSocketClose: traceClose,
};

function wrapHibernationHandler(
  traceHandler: (socket: SocketCall) => Promise<unknown>,
  original: AnyFunction,
  className: string,
): (this: Instance, ...args: unknown[]) => Promise<unknown> {
  return function (this: Instance, ...args: unknown[]) {
    const ws = args[0] as SocketLike;
    // Sockets are new objects after each wake-up.
    patchSocket(ws);
    const call = (own: unknown[]) => original.apply(this, own);
    return traceHandler({ host: this[RUNTIME], ws, stats: readStats(ws), args, className, call });
  };
}

const RUNTIME = Symbol('wideline.runtime');

/** What the instrumented object keeps: its isolate runtime and the real state (for waitUntil). */
type Instance = { [RUNTIME]: { runtime: IsolateRuntime; state: StateLike } };

/** Options of {@link instrumentDO} that belong to one class (the config is the isolate's). */
export interface InstrumentDOOptions {
  /**
   * The name the class is exported (and bound in the wrangler config) under, for `rpc.service` and
   * span names (`<name>.<method>`, `<name>.alarm`). Wideline cannot see the export name, only the
   * class's own. Default: `Class.name`.
   */
  name?: string;
}

/**
 * Traces a Durable Object class: `fetch` (continuing the caller's trace, which Wideline-instrumented
 * stubs always send), `alarm`, every RPC method, and the hibernation handlers `webSocketMessage`,
 * `webSocketClose` and `webSocketError`. Export the returned class under the name your wrangler
 * config binds.
 *
 * @example
 * import { DurableObject } from 'cloudflare:workers';
 * import { instrumentDO } from '@wideline/worker';
 *
 * class ChatRoomBase extends DurableObject {
 *   async fetch(request: Request) {
 *     const [client, server] = Object.values(new WebSocketPair());
 *     this.ctx.acceptWebSocket(server);
 *     return new Response(null, { status: 101, webSocket: client });
 *   }
 *   async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer) { ws.send(message); }
 * }
 * export const ChatRoom = instrumentDO(ChatRoomBase, { serviceName: 'chat' }, { name: 'ChatRoom' });
 */
export function instrumentDO<C extends DurableObjectClass, Env = unknown>(
  Class: C,
  config: ConfigOrFactory<Env>,
  options: InstrumentDOOptions = {},
): C {
  const className = options.name ?? Class.name;
  const Instrumented = class extends Class {
    [RUNTIME]: { runtime: IsolateRuntime; state: StateLike };

    // biome-ignore lint/suspicious/noExplicitAny: forwarded as the runtime passes them.
    constructor(...args: any[]) {
      const [state, env] = args;
      const runtime = runtimeFor(config, env);
      instrumentState(state, runtime);
      super(state, instrumentEnv(env, runtime));
      this[RUNTIME] = { runtime, state };
    }
  };
  for (const name of classMethods(Class)) {
    const original = Class.prototype[name] as AnyFunction;
    let wrapped: AnyFunction;
    const hibernation = Object.hasOwn(HIBERNATION_HANDLERS, name) ? HIBERNATION_HANDLERS[name] : undefined;
    if (hibernation) {
      wrapped = wrapHibernationHandler(hibernation, original, className) as AnyFunction;
    } else {
      wrapped = function (this: Instance, ...args: unknown[]) {
        const { runtime, state } = this[RUNTIME];
        const call = () => original.apply(this, args);
        // Requests reach a Durable Object only through a stub, i.e. from inside the account.
        if (name === 'fetch')
          return traceFetch(runtime, state, args[0] as Request, call as () => Promise<Response>, 'always');
        if (name === 'alarm')
          return runTraced(
            runtime,
            state,
            {
              name: `${className}.alarm`,
              kind: SpanKind.INTERNAL,
              attributes: { [ATTR_FAAS_TRIGGER]: 'timer', [ATTR_RPC_SERVICE]: className },
              parent: ROOT_CONTEXT,
            },
            call,
          );
        return traceRpc(runtime, state, className, name, 'cloudflare_durable_object', args, (own) =>
          original.apply(this, own),
        );
      } as AnyFunction;
    }
    Object.defineProperty(Instrumented.prototype, name, { value: wrapped, writable: true, configurable: true });
  }
  Object.defineProperty(Instrumented, 'name', { value: className });
  return Instrumented;
}
