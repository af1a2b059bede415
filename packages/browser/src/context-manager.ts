/**
 * The browser context manager: a synchronous stack (what `context.with` sets) over an *ambient*
 * context — what the activity tracker says the page is busy with now. Browsers have no async context
 * propagation, so after an `await` the stack is empty; instead of losing the trace there (the OTel
 * web SDK's behaviour without zone.js), Wideline asks the tracker, which answers with the one open
 * trace (the interaction, its navigation, a pending `withSpan`), or with nothing when several could
 * own the code (docs/browser-parenting.md). A fetch started after `await response.json()` in a click
 * handler still joins the click; one that two overlapping clicks could own joins neither.
 *
 * The trade-off, stated: while one interaction is open, unrelated code that starts spans without
 * an explicit parent (a timer from earlier, a polling loop) joins it too. Interactions end on idle
 * (default 500 ms without open requests), which keeps that window short.
 *
 * @internal
 * @module
 */
import { type Context, type ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';

/** Stack-based context manager with an ambient fallback. One per page. */
export class AmbientContextManager implements ContextManager {
  #stack: Context[] = [];
  #resolve: () => Context | undefined = () => undefined;
  #enabled = false;

  active(): Context {
    if (!this.#enabled) return ROOT_CONTEXT;
    return this.#stack[this.#stack.length - 1] ?? this.#resolve() ?? ROOT_CONTEXT;
  }

  /** Sets the function that answers the ambient context (the activity tracker's choice). */
  setResolver(resolve: () => Context | undefined): void {
    this.#resolve = resolve;
  }

  /** The context code set explicitly with `context.with`, if it is running inside one. */
  explicit(): Context | undefined {
    return this.#enabled ? this.#stack[this.#stack.length - 1] : undefined;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    this.#stack.push(ctx);
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.#stack.pop();
    }
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(ctx, () => fn.apply(this, args));
    } as unknown as T;
  }

  enable(): this {
    this.#enabled = true;
    return this;
  }

  disable(): this {
    this.#enabled = false;
    this.#stack = [];
    this.#resolve = () => undefined;
    return this;
  }
}
