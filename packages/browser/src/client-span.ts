/**
 * What fetch and XHR spans share: the CLIENT span with HTTP semantic-convention attributes, the
 * decision whether this URL may carry trace headers, and the headers themselves.
 *
 * @internal
 * @module
 */
import { type Span, type SpanContext, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { recordError } from '@wideline/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  ATTR_URL_TEMPLATE,
} from '@wideline/core/conventions';
import { formatTraceparent, httpSpanName } from '@wideline/core/sdk';
import type { ActivityTracker } from './activity';
import { safeUrl } from './allowlist';
import { applyTraceHeaderHooks, type TraceHeaderHook } from './trace-headers';

/** What the fetch and XHR instrumentations need from `initBrowser`. */
export interface HttpInstrumentationDeps {
  tracer: Tracer;
  activities: ActivityTracker;
  /** May this URL carry trace headers? */
  allowed: (url: string) => boolean;
  /** URLs never traced (the OTLP endpoint, Sentry's intake). */
  ignored: (url: string) => boolean;
  /** More headers for allowed origins (e.g. core's `sentryTraceHeaders`). */
  extraHeaders?: ((spanContext: SpanContext) => Record<string, string>) | undefined;
  /** The running instance's header hooks (`addTraceHeaderHook`), run after the extra headers. Default none. */
  headerHooks?: Iterable<TraceHeaderHook>;
  /** The URL's template (`/api/orders/{id}`), which names the span; default none (the name is the method). */
  urlTemplate?: (url: URL) => string | undefined;
}

/** A request in flight. */
export interface ClientRequest {
  span: Span;
  /** Headers to add (empty when the URL is not allowed). */
  headers: Record<string, string>;
  /** Ends the span with a status code, or an error. */
  finish(status: number | undefined, error?: unknown): void;
}

/**
 * Starts a CLIENT span for a request, or returns `undefined` when it must not be traced. Without an
 * explicit parent, the activity tracker chooses one — or none, with links that say which spans could
 * have owned the request and why it was not parented to them.
 */
export function startClientRequest(
  deps: HttpInstrumentationDeps,
  method: string,
  rawUrl: string,
): ClientRequest | undefined {
  const url = safeUrl(rawUrl, globalThis.location?.href);
  const choice = deps.activities.parentFor();
  const parent = choice.ctx;
  if (!url || isTracingSuppressed(parent) || deps.ignored(url.href)) return undefined;
  const upper = method.toUpperCase();
  const template = deps.urlTemplate?.(url);
  const name = httpSpanName(upper, template);
  // A method outside the semantic conventions' set is `_OTHER` (and named `HTTP`).
  const other = httpSpanName(upper) === 'HTTP';
  const span = deps.tracer.startSpan(
    name,
    {
      kind: SpanKind.CLIENT,
      links: choice.links,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: other ? '_OTHER' : upper,
        ...(other ? { [ATTR_HTTP_REQUEST_METHOD_ORIGINAL]: method } : {}),
        ...(template ? { [ATTR_URL_TEMPLATE]: template } : {}),
        [ATTR_URL_FULL]: `${url.origin}${url.pathname}`,
        [ATTR_SERVER_ADDRESS]: url.hostname,
        [ATTR_SERVER_PORT]: Number(url.port) || (url.protocol === 'https:' ? 443 : 80),
      },
    },
    parent,
  );
  const headers: Record<string, string> = {};
  const spanContext = span.spanContext();
  if (deps.allowed(url.href) && trace.isSpanContextValid(spanContext)) {
    headers.traceparent = formatTraceparent(spanContext);
    const state = spanContext.traceState?.serialize();
    if (state) headers.tracestate = state;
    try {
      if (deps.extraHeaders) Object.assign(headers, deps.extraHeaders(spanContext));
    } catch {
      // The app's header function failed: the W3C headers still go out.
    }
    applyTraceHeaderHooks(deps.headerHooks, headers, spanContext);
  }
  span.setAttribute('wideline.propagated', Object.keys(headers).length > 0);
  const release = deps.activities.hold(choice.activity);
  return {
    span,
    headers,
    finish(status, error) {
      try {
        // No status (or 0: a network error, an opaque or aborted request) is a failure without a code.
        if (status) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
        if (error !== undefined) {
          recordError(span, error);
        } else if (!status || status >= 400) {
          span.setAttribute(ATTR_ERROR_TYPE, status ? String(status) : 'network');
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      } finally {
        release();
      }
    },
  };
}
