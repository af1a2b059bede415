/**
 * An OpenTelemetry context manager on the Workers runtime's `AsyncLocalStorage`. Written here rather
 * than taken from `@opentelemetry/context-async-hooks` because that package reaches for Node-only
 * modules that Workers do not have; the part Workers need is this small.
 *
 * `AsyncLocalStorage` exists in Workers only with the `nodejs_compat` (or `nodejs_als`) compatibility
 * flag. It is looked up through `process.getBuiltinModule` instead of a static import, so that a Worker
 * without the flag still loads and gets an error that says how to fix it, rather than a bundler error
 * about `node:async_hooks`.
 *
 * @internal
 * @module
 */
import { type Context, type ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';
import { WidelineConfigError } from '@wideline/core';

interface Storage<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

type StorageClass = new <T>() => Storage<T>;

interface ProcessLike {
  getBuiltinModule?: (id: string) => { AsyncLocalStorage?: StorageClass } | undefined;
}

/** The runtime's `AsyncLocalStorage`; throws at start-up when the Worker runs without `nodejs_compat`. */
function findAsyncLocalStorage(): StorageClass {
  const proc = (globalThis as { process?: ProcessLike }).process;
  let found: StorageClass | undefined;
  try {
    found = proc?.getBuiltinModule?.('node:async_hooks')?.AsyncLocalStorage;
  } catch {
    found = undefined;
  }
  if (typeof found !== 'function')
    throw new WidelineConfigError(
      'compatibility_flags',
      '@wideline/worker needs AsyncLocalStorage, which this Worker does not have',
      'add compatibility_flags = ["nodejs_compat"] to the wrangler config and redeploy',
    );
  return found;
}

/** Propagates the active OpenTelemetry context through promises, timers and callbacks. */
export class WorkersContextManager implements ContextManager {
  readonly #storage: Storage<Context>;
  // Workers' AsyncLocalStorage has no disable(); a flag does the same job.
  #enabled = true;

  /** @throws {WidelineConfigError} without the `nodejs_compat` flag. */
  constructor() {
    const AsyncLocalStorage = findAsyncLocalStorage();
    this.#storage = new AsyncLocalStorage<Context>();
  }

  active(): Context {
    return (this.#enabled && this.#storage.getStore()) || ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    if (!this.#enabled) return fn.call(thisArg, ...args);
    // The usual call (`context.with(ctx, fn)`) runs `fn` itself, without a closure around it.
    if (thisArg === undefined && args.length === 0) return this.#storage.run(context, fn);
    return this.#storage.run(context, () => fn.call(thisArg, ...args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const storage = this.#storage;
    return function (this: unknown, ...args: unknown[]) {
      return storage.run(context, () => (target as (...a: unknown[]) => unknown).apply(this, args));
    } as T;
  }

  enable(): this {
    this.#enabled = true;
    return this;
  }

  disable(): this {
    this.#enabled = false;
    return this;
  }
}
