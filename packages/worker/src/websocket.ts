/**
 * Hibernated WebSockets in Durable Objects. With hibernation the object may be evicted between two
 * messages, so nothing about a connection can live in memory: its counters travel in the socket's
 * attachment (`serializeAttachment`), beside — never instead of — the application's own attachment.
 *
 * Message convention (shared with `@wideline/browser`): a JSON text message that is an object may
 * carry its sender's trace context, since browsers cannot put headers on WebSocket messages:
 *
 *   { "type": "chat.send", …, "wideline": { "traceparent": "00-…", "tracestate": "…", "correlationId": "…" } }
 *
 * @internal
 * @module
 */
import { type SpanContext, TraceFlags } from '@opentelemetry/api';
import { readTraceContext } from '@wideline/core';
import { formatTraceparent, MESSAGE_CONTEXT_KEY, type MessageTraceFields, remoteSpanContext } from '@wideline/core/sdk';
import { withoutMember } from './json-member';
import { drawIds, type ReservedIds } from './span-ids';

/** Longest text message parsed for a type and trace fields; larger ones are counted only. */
const MAX_PARSED_BYTES = 64 * 1024;
const MAX_TYPES = 16;
const MAX_TYPE_LENGTH = 32;

/** Per-connection counters kept in the attachment. Short keys: attachments are limited to 2 KiB. */
export interface ConnectionStats {
  /** Connected at (epoch ms). */
  c: number;
  /** Messages received. */
  m: number;
  /** Messages by type. */
  t: Record<string, number>;
  /** Errors. */
  e: number;
  /** Last error message. */
  le?: string;
  /** Traceparent of the request span that accepted the connection. */
  tp?: string;
  /** Span id of the connection's span, drawn at connect (messages link to it before it starts). */
  s?: string;
  /** Trace id of the connection's span when it is a root (no request accepted it). */
  ct?: string;
  /** Whether message-borne trace context is continued (decided at the upgrade). */
  a: boolean;
  /** Connection event emitted. */
  x?: boolean;
}

interface Attached {
  __wideline: ConnectionStats;
  user?: unknown;
}

interface SocketLike {
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
}

const PATCHED = Symbol.for('wideline.websocket');

function isAttached(value: unknown): value is Attached {
  return typeof value === 'object' && value !== null && '__wideline' in value;
}

/**
 * Makes the socket's attachment methods keep Wideline's counters beside the application's value.
 * WebSocket objects are new after each wake-up, so this runs on every handler entry. Idempotent.
 */
export function patchSocket(ws: SocketLike): void {
  const socket = ws as SocketLike & { [PATCHED]?: true };
  if (socket[PATCHED]) return;
  const serialize = ws.serializeAttachment.bind(ws);
  const deserialize = ws.deserializeAttachment.bind(ws);
  Object.defineProperties(ws, {
    [PATCHED]: { value: true },
    serializeAttachment: {
      value: (value: unknown) => {
        const current = deserialize();
        serialize(isAttached(current) ? { __wideline: current.__wideline, user: value } : value);
      },
      configurable: true,
    },
    deserializeAttachment: {
      value: () => {
        const current = deserialize();
        return isAttached(current) ? current.user : current;
      },
      configurable: true,
    },
  });
}

function rawAttachment(ws: SocketLike): unknown {
  // The original method, from the prototype: the instance one hides Wideline's part.
  return Object.getPrototypeOf(ws).deserializeAttachment.call(ws);
}

/** The connection's counters, or fresh ones when the socket was accepted before instrumentation. */
export function readStats(ws: SocketLike): ConnectionStats {
  try {
    const raw = rawAttachment(ws);
    if (isAttached(raw)) return raw.__wideline;
  } catch {
    // Fall through: a socket without readable attachment still gets counted from now on.
  }
  const ids = drawIds();
  return { c: Date.now(), m: 0, t: {}, e: 0, a: true, s: ids.spanId, ct: ids.traceId };
}

/** Stores the counters; failures (a closed socket, the size limit) are swallowed. */
export function writeStats(ws: SocketLike, stats: ConnectionStats): void {
  try {
    const raw = rawAttachment(ws);
    const user = isAttached(raw) ? raw.user : raw;
    const value: Attached = user === undefined || user === null ? { __wideline: stats } : { __wideline: stats, user };
    Object.getPrototypeOf(ws).serializeAttachment.call(ws, value);
  } catch {
    // Telemetry must not break the socket.
  }
}

/** Starts a connection's counters when the Durable Object accepts it. */
export function startStats(ws: SocketLike, acceptedIn: SpanContext | undefined, acceptContext: boolean): void {
  const ids = drawIds();
  const stats: ConnectionStats = { c: Date.now(), m: 0, t: {}, e: 0, a: acceptContext, s: ids.spanId };
  if (acceptedIn) stats.tp = formatTraceparent(acceptedIn);
  else stats.ct = ids.traceId;
  writeStats(ws, stats);
}

/** What Wideline reads from one incoming message. */
export interface ParsedMessage {
  type: string;
  size: number;
  fields: MessageTraceFields | undefined;
  /** The message as the application's handler gets it: without the `wideline` field. */
  payload: unknown;
}

/** Reads type and trace fields from a message; never throws, whatever arrives. */
export function parseMessage(message: unknown): ParsedMessage {
  if (typeof message !== 'string') {
    const size = (message as { byteLength?: number } | null)?.byteLength ?? 0;
    return { type: 'binary', size, fields: undefined, payload: message };
  }
  const size = message.length;
  const text = { type: 'text', size, fields: undefined, payload: message };
  if (size > MAX_PARSED_BYTES || !message.trimStart().startsWith('{')) return text;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(message) as Record<string, unknown>;
  } catch {
    return text;
  }
  const type = typeof body.type === 'string' && body.type !== '' ? body.type.slice(0, MAX_TYPE_LENGTH) : 'json';
  // Queue bodies lose the field the same way (stripTraceContext): the handler sees what was sent.
  const payload = Object.hasOwn(body, MESSAGE_CONTEXT_KEY) ? withoutMember(message, MESSAGE_CONTEXT_KEY) : message;
  return { type, size, fields: readTraceContext(body), payload };
}

/** Counts a message into the stats, keeping the number of distinct types bounded. */
export function countMessage(stats: ConnectionStats, type: string): void {
  stats.m++;
  const key = type in stats.t || Object.keys(stats.t).length < MAX_TYPES ? type : 'other';
  stats.t[key] = (stats.t[key] ?? 0) + 1;
}

/** The span context of the upgrade request, from the stats. */
export function upgradeContext(stats: ConnectionStats): SpanContext | undefined {
  return remoteSpanContext(stats.tp);
}

/** The ids the connection's span will start with (none for counters written before they existed). */
export function connectionIds(stats: ConnectionStats): ReservedIds | undefined {
  if (!stats.s) return undefined;
  return stats.ct ? { spanId: stats.s, traceId: stats.ct } : { spanId: stats.s };
}

/** The span context the connection's span will have, for messages to link to before it exists. */
export function connectionContext(stats: ConnectionStats): SpanContext | undefined {
  const upgrade = upgradeContext(stats);
  const traceId = upgrade?.traceId ?? stats.ct;
  if (!stats.s || !traceId) return undefined;
  return { traceId, spanId: stats.s, traceFlags: upgrade?.traceFlags ?? TraceFlags.NONE };
}
