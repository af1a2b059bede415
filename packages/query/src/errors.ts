/**
 * Errors the CLI turns into one clear line and an exit code. Library callers can branch on the class
 * or on `exitCode`.
 *
 * @module
 */

/** Base class: a message meant for a person, and the process exit code that goes with it. */
export class WidelineQueryError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad command line: unknown option, missing argument, unparsable value. Exit code 2. */
export class UsageError extends WidelineQueryError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** A trace id that is not 1–32 hex digits (or is all zeros). Exit code 2. */
export class MalformedTraceIdError extends WidelineQueryError {
  readonly traceId: string;
  constructor(traceId: string) {
    super(
      `"${traceId}" is not a trace id: expected 32 hex digits (W3C trace id), e.g. 4bf92f3577b34da6a3ce929d0e0e4736`,
      2,
    );
    this.traceId = traceId;
  }
}

/** Jaeger did not answer (refused, DNS, timeout). Exit code 3. */
export class JaegerUnreachableError extends WidelineQueryError {
  readonly url: string;
  constructor(url: string, cause: string) {
    super(
      `Jaeger is not reachable at ${url} (${cause}). Start the local stack with \`pnpm stack up\`, or point at another Jaeger with --jaeger <url> / WIDELINE_JAEGER_QUERY_URL.`,
      3,
    );
    this.url = url;
  }
}

/** Jaeger answered but has no such trace. Exit code 4. */
export class TraceNotFoundError extends WidelineQueryError {
  readonly traceId: string;
  readonly url: string;
  constructor(traceId: string, url: string) {
    super(
      `Trace ${traceId} is not in Jaeger at ${url}. Check the id, wait a few seconds for the exporter's batch delay, or check that the trace was sampled.`,
      4,
    );
    this.traceId = traceId;
    this.url = url;
  }
}

/** Jaeger answered with something we cannot use (5xx, HTML, invalid JSON). Exit code 5. */
export class JaegerResponseError extends WidelineQueryError {
  constructor(message: string) {
    super(message, 5);
  }
}
