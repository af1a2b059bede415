/**
 * The React provider and hooks. The provider starts Wideline once (or takes an instance started
 * earlier, e.g. before `createRoot` so that the page load is traced from the first request).
 *
 * @example
 * const browser = initBrowser({ service: 'web', propagateTo: ['https://api.example.com'] });
 * createRoot(el).render(<WidelineProvider browser={browser}><App /></WidelineProvider>);
 * @module
 */
import type { Span } from '@opentelemetry/api';
import { type WideEvent, WidelineConfigError, wideEvent } from '@wideline/core';
import { createContext, type ReactNode, useCallback, useContext, useState } from 'react';
import { type BrowserOptions, type BrowserTracing, initBrowser } from '../init';
import { withSpan } from '../spans';

const WidelineContext = createContext<BrowserTracing | undefined>(undefined);

/** Props of {@link WidelineProvider}: a running instance, or options to start one. */
export type WidelineProviderProps = { children?: ReactNode } & (
  | { browser: BrowserTracing; options?: never }
  | { options: BrowserOptions; browser?: never }
);

/** Makes a Wideline instance available to {@link useWideline} and the other hooks. */
export function WidelineProvider(props: WidelineProviderProps): ReactNode {
  const [browser] = useState(() => props.browser ?? initBrowser(props.options as BrowserOptions));
  return <WidelineContext.Provider value={browser}>{props.children}</WidelineContext.Provider>;
}

/** The instance from the nearest {@link WidelineProvider}; throws when there is none. */
export function useWideline(): BrowserTracing {
  const browser = useContext(WidelineContext);
  if (!browser) {
    throw new WidelineConfigError(
      'useWideline',
      'was called outside <WidelineProvider>',
      'wrap the app in <WidelineProvider browser={initBrowser(...)}>',
    );
  }
  return browser;
}

/**
 * A stable callback that runs inside a span named `name` (async callbacks end it when they settle).
 *
 * @example
 * const save = useTracedCallback('profile.save', async (form: Profile) => api.save(form), []);
 */
export function useTracedCallback<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R,
  deps: readonly unknown[],
): (...args: A) => R {
  const { tracer } = useWideline();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's deps decide, like useCallback.
  return useCallback((...args: A) => withSpan(name, () => fn(...args), { tracer }), [name, tracer, ...deps]);
}

/** `withSpan` bound to the provider's tracer. */
export function useWithSpan(): <T>(name: string, fn: (span: Span) => T) => T {
  const { tracer } = useWideline();
  return useCallback(<T,>(name: string, fn: (span: Span) => T) => withSpan(name, fn, { tracer }), [tracer]);
}

/** The wide event of what the page is doing now (the interaction, else a no-op), for event handlers. */
export function useWideEvent(): () => WideEvent {
  useWideline();
  return wideEvent;
}
