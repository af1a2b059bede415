/**
 * WebSocket messages with trace context *inside* the message (WebSockets have no per-message headers).
 * Each outgoing JSON message gets a `wideline` field — `{ traceparent, tracestate?, correlationId }` —
 * which the Worker SDK's Durable Object handling reads on the other side; replies carrying the same
 * field continue the server's trace. Send spans are PRODUCER, receive spans CONSUMER. A receive span
 * is active while the `onMessage` handlers run, but never becomes the ambient parent: a chatty socket
 * must not steal the requests of the click the user just made.
 *
 * @example
 * const socket = traceWebSocket(new WebSocket('wss://api.example.com/chat'));
 * socket.onMessage((message) => render(message));
 * socket.send({ type: 'chat.post', text: 'hi' });
 * // on the wire: {"type":"chat.post","text":"hi","wideline":{"traceparent":"00-…-01","correlationId":"…"}}
 * @module
 */
import { context, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { attachTraceContext, readTraceContext, recordError, remoteContext } from '@wideline/core';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_MESSAGE_CONVERSATION_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
} from '@wideline/core/conventions';
import { MESSAGE_CONTEXT_KEY } from '@wideline/core/sdk';
import { parentNow } from './activity';
import { runningBrowser } from './running';
import { randomHex } from './session';

/** Options for {@link traceWebSocket}. */
export interface TraceWebSocketOptions {
  /** The message field naming its type, used in span names. Default `type`. */
  typeField?: string;
}

/** A WebSocket whose JSON messages carry trace context. */
export interface TracedWebSocket {
  readonly socket: WebSocket;
  /** Sends `message` as JSON with a `wideline` field; returns its correlation id. */
  send(message: Record<string, unknown>): string;
  /** Calls `handler` for each JSON message, inside that message's receive span. Returns an unsubscribe. */
  onMessage(handler: (message: Record<string, unknown>, event: MessageEvent) => void): () => void;
}

interface Deps {
  tracer: Tracer;
}

function parse(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function destination(socket: WebSocket): string {
  try {
    return new URL(socket.url).pathname;
  } catch {
    return 'websocket';
  }
}

/**
 * Wraps a WebSocket so its JSON messages carry trace context: send spans with the context inside
 * each message, receive spans that continue the sender's trace. Spans come from the running
 * `initBrowser` / `startBrowser` (else from the global OpenTelemetry tracer). A function of its own,
 * not a method of the instance, so that pages without WebSockets leave it out of their bundle.
 *
 * @example
 * const socket = traceWebSocket(new WebSocket('wss://api.example.com/chat'));
 * socket.onMessage((message) => console.log(message.text));
 */
export function traceWebSocket(socket: WebSocket, options?: TraceWebSocketOptions): TracedWebSocket {
  return wrapWebSocket({ tracer: runningBrowser()?.tracer ?? trace.getTracer('@wideline/browser') }, socket, options);
}

/** Wraps `socket` with the spans of `deps.tracer`. @internal Apps call {@link traceWebSocket}. */
export function wrapWebSocket(deps: Deps, socket: WebSocket, options: TraceWebSocketOptions = {}): TracedWebSocket {
  const typeField = options.typeField ?? 'type';
  const path = destination(socket);
  const typeOf = (message: Record<string, unknown>) => {
    const type = message[typeField];
    return typeof type === 'string' ? type.slice(0, 64) : 'message';
  };
  const base = (operation: 'send' | 'receive', type: string, correlationId: string | undefined, size: number) => ({
    [ATTR_MESSAGING_SYSTEM]: 'websocket',
    [ATTR_MESSAGING_OPERATION_TYPE]: operation,
    [ATTR_MESSAGING_DESTINATION_NAME]: path,
    'wideline.ws.message_type': type,
    [ATTR_MESSAGING_MESSAGE_BODY_SIZE]: size,
    ...(correlationId ? { [ATTR_MESSAGING_MESSAGE_CONVERSATION_ID]: correlationId } : {}),
  });

  return {
    socket,
    send(message) {
      const correlationId = globalThis.crypto?.randomUUID?.() ?? randomHex(16);
      const type = typeOf(message);
      let span: Span | undefined;
      try {
        const parent = parentNow();
        span = deps.tracer.startSpan(`ws send ${type}`, { kind: SpanKind.PRODUCER, links: parent.links }, parent.ctx);
        const body = JSON.stringify(attachTraceContext(message, span.spanContext(), correlationId));
        span.setAttributes(base('send', type, correlationId, body.length));
        socket.send(body);
      } catch (error) {
        // Tracing failed before the span existed: the message still goes out, untraced.
        if (!span) socket.send(JSON.stringify(message));
        else {
          recordError(span, error);
          throw error;
        }
      } finally {
        span?.end();
      }
      return correlationId;
    },
    onMessage(handler) {
      const listener = (event: MessageEvent) => {
        const message = parse(event.data);
        if (!message) return;
        const fields = readTraceContext(message);
        const correlationId = fields?.correlationId;
        const ctx = remoteContext(fields?.traceparent, fields?.tracestate) ?? context.active();
        const type = typeOf(message);
        const span = deps.tracer.startSpan(
          `ws receive ${type}`,
          { kind: SpanKind.CONSUMER, attributes: base('receive', type, correlationId, String(event.data).length) },
          ctx,
        );
        delete message[MESSAGE_CONTEXT_KEY];
        try {
          context.with(trace.setSpan(ctx, span), () => handler(message, event));
        } catch (error) {
          recordError(span, error);
          throw error;
        } finally {
          span.end();
        }
      };
      socket.addEventListener('message', listener);
      return () => socket.removeEventListener('message', listener);
    },
  };
}
