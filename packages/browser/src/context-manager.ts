/**
 * The browser context manager: a synchronous stack (what `context.with` sets) over an *ambient*
 * context — the interaction or navigation the page is busy with. Browsers have no async context
 * propagation, so after an `await` the stack is empty; instead of losing the trace there (the OTel
 * web SDK's behaviour without zone.js), Wideline falls back to the ambient span until the page goes
 * idle. A fetch started after `await response.json()` in a click handler still joins the click.
 *
 * The trade-off, stated: while an interaction is ambient, unrelated code that starts spans without
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
  #ambient: Context | undefined;
  #enabled = false;

  active(): Context {
    if (!this.#enabled) return ROOT_CONTEXT;
    return this.#stack[this.#stack.length - 1] ?? this.#ambient ?? ROOT_CONTEXT;
  }

  /** Sets (or, with `undefined`, clears) the ambient context. */
  setAmbient(ctx: Context | undefined): void {
    this.#ambient = ctx;
  }

  /** The ambient context, if any. */
  ambient(): Context | undefined {
    return this.#ambient;
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
    this.#ambient = undefined;
    return this;
  }
}
