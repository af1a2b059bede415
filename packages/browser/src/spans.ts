/**
 * Explicit spans for work that is neither an interaction nor a request: `withSpan` runs a function
 * (sync or async) inside a new span and ends it when the function settles; `traced` wraps a function
 * once for repeated use. A thrown error or rejected promise marks the span failed and is re-thrown.
 *
 * @module
 */
import { type Attributes, context, type Span, type Tracer, trace } from '@opentelemetry/api';
import { recordError } from '@wideline/core';
import { pageActivities, parentNow } from './activity';

/** Options for {@link withSpan}. */
export interface WithSpanOptions {
  attributes?: Attributes;
  /** A tracer; default the global tracer `@wideline/browser`. */
  tracer?: Tracer;
}

/**
 * Runs `fn` inside a new child span of the active (or ambient) span. While the promise `fn` returns
 * is pending, the span stays a parent candidate, so spans started after an `await` inside `fn`
 * (a fetch, another `withSpan`) are its children, not siblings under the interaction.
 *
 * @example
 * const total = await withSpan('cart.total', async (span) => {
 *   span.setAttribute('cart.items', items.length);
 *   return computeTotal(items);
 * });
 */
export function withSpan<T>(name: string, fn: (span: Span) => T, options: WithSpanOptions = {}): T {
  const tracer = options.tracer ?? trace.getTracer('@wideline/browser');
  const parent = parentNow();
  const span = tracer.startSpan(
    name,
    { links: parent.links, ...(options.attributes ? { attributes: options.attributes } : {}) },
    parent.ctx,
  );
  const ctx = trace.setSpan(parent.ctx, span);
  let result: T;
  try {
    result = context.with(ctx, () => fn(span));
  } catch (error) {
    recordError(span, error);
    span.end();
    throw error;
  }
  if (result instanceof Promise) {
    const close = pageActivities()?.openScope(ctx);
    return result.then(
      (value) => {
        close?.();
        span.end();
        return value;
      },
      (error: unknown) => {
        close?.();
        recordError(span, error);
        span.end();
        throw error;
      },
    ) as T;
  }
  span.end();
  return result;
}

/**
 * Wraps `fn` so that every call runs inside a span named `name`.
 *
 * @example
 * const loadCart = traced('cart.load', async (id: string) => (await fetch(`/api/cart/${id}`)).json());
 */
export function traced<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R,
  options: WithSpanOptions = {},
): (...args: A) => R {
  return function (this: unknown, ...args: A): R {
    return withSpan(name, () => fn.apply(this, args), options);
  };
}
