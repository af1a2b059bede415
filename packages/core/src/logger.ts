/**
 * A structured JSON-lines logger stamped with the active trace: every line carries `trace_id` and
 * `span_id`, so logs join traces in any log store. Errors can be forwarded to a Sentry-like sink (as
 * exceptions) and lower levels as breadcrumbs. Field values pass through the redactor.
 *
 * @example
 * const log = createLogger({ sentry: Sentry, fields: { service: 'jobs' } });
 * log.info('order accepted', { order_id: 'o-1' });
 * log.error('charge failed', { order_id: 'o-1' }, error);
 * @module
 */
import { trace } from '@opentelemetry/api';
import type { Redactor } from './redact';
import { REDACTED } from './redact-values';
import type { LineSink } from './wide-event-log';

/** Levels in increasing severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SENTRY_LEVEL: Record<LogLevel, string> = { debug: 'debug', info: 'info', warn: 'warning', error: 'error' };

/** The Sentry calls the logger uses (satisfied by `@sentry/*` namespaces and scopes). */
export interface SentryLikeSink {
  captureException(exception: unknown, hint?: { extra?: Record<string, unknown> }): unknown;
  addBreadcrumb?(breadcrumb: {
    category?: string;
    message?: string;
    level?: string;
    data?: Record<string, unknown>;
  }): unknown;
}

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. Default `info`. */
  level?: LogLevel;
  /** Where lines go. Default `console.log` (`console.error` for errors). */
  sink?: LineSink;
  /** Forward errors (and breadcrumbs for other levels) to Sentry. */
  sentry?: SentryLikeSink;
  /** Fields on every line. */
  fields?: Record<string, unknown>;
  /** Redacts field values; pass `createTracing(...).redactor`. */
  redactor?: Redactor;
}

/** A trace-stamped logger. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>, error?: unknown): void;
  /** A logger that adds `fields` to every line. */
  child(fields: Record<string, unknown>): Logger;
}

function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { type: error.name, message: error.message, stack: error.stack };
  return { message: String(error) };
}

/** Creates a {@link Logger}. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = SEVERITY[options.level ?? 'info'];
  const redactor = options.redactor;

  const clean = (fields: Record<string, unknown>): Record<string, unknown> => {
    if (!redactor) return fields;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      out[key] = redactor.isDeniedKey(key)
        ? REDACTED
        : typeof value === 'string'
          ? redactor.redactString(value)
          : value;
    }
    return out;
  };

  const write = (
    level: LogLevel,
    message: string,
    base: Record<string, unknown>,
    fields?: Record<string, unknown>,
    error?: unknown,
  ) => {
    if (SEVERITY[level] < threshold) return;
    try {
      const spanContext = trace.getActiveSpan()?.spanContext();
      const data = clean({ ...base, ...fields });
      const record = {
        time: new Date().toISOString(),
        level,
        msg: redactor ? redactor.redactString(message) : message,
        ...(spanContext ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {}),
        ...data,
        ...(error !== undefined ? { error: describeError(error) } : {}),
      };
      const line = JSON.stringify(record);
      if (options.sink) options.sink(line);
      else if (level === 'error') console.error(line);
      else console.log(line);
      if (!options.sentry) return;
      if (level === 'error') {
        options.sentry.captureException(error ?? new Error(message), { extra: { ...data, message } });
      } else {
        options.sentry.addBreadcrumb?.({ category: 'log', message, level: SENTRY_LEVEL[level], data });
      }
    } catch {
      // Logging must never break the caller (a circular field, a failing sink).
    }
  };

  const make = (base: Record<string, unknown>): Logger => ({
    debug: (message, fields) => write('debug', message, base, fields),
    info: (message, fields) => write('info', message, base, fields),
    warn: (message, fields) => write('warn', message, base, fields),
    error: (message, fields, error) => write('error', message, base, fields, error),
    child: (fields) => make({ ...base, ...fields }),
  });
  return make(options.fields ?? {});
}
