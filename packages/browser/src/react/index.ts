/**
 * `@wideline/browser/react`: a provider, hooks, and the `@sentry/react` integration.
 *
 * @module
 */
export {
  useTracedCallback,
  useWideEvent,
  useWideline,
  useWithSpan,
  WidelineProvider,
  type WidelineProviderProps,
} from './provider';
export {
  type SentryClientLike,
  type SentryEvent,
  type WidelineSentryIntegration,
  type WidelineSentryOptions,
  widelineSentryIntegration,
} from './sentry';
