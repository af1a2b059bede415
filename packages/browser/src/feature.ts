/**
 * What a browser feature is: an object the app passes to `startBrowser` (the way OpenTelemetry's
 * instrumentations or Sentry's integrations are passed), so that a feature the app does not import
 * is not in its bundle. `initBrowser` passes {@link defaultFeatures} — all of them.
 *
 * A feature contributes to the pipeline before it starts (`setup`: the offline queue, the session,
 * the redactor) and runs once tracing does (`start`: patches and listeners, undone on shutdown).
 *
 * @module
 */
import type { Span, Tracer } from '@opentelemetry/api';
import type { EnvConfig, EnvRecord, RedactionOptions, Redactor } from '@wideline/core/sdk';
import type { ActivityTracker } from './activity';
import type { HttpInstrumentationDeps } from './client-span';
import type { OfflineQueue } from './offline-queue';
import type { Session } from './session';

/** The pipeline parts features supply; each is absent unless a feature sets it. */
export interface BrowserParts {
  /** Builds the export redactor from the `redaction` rules (the `redaction()` feature). */
  createRedactor?: (rules: RedactionOptions) => Redactor;
  /** Keeps unsent batches across offline periods and reloads (the `offlineQueue()` feature). */
  offlineQueue?: OfflineQueue;
  /** The session id stamped on every span (the `session()` feature). */
  session?: Session;
  /** Reads the `OTEL_*` variables of the `env` option (the `envVariables()` feature). */
  readEnv?: (env: EnvRecord) => EnvConfig;
}

/** What a running feature can use. */
export interface FeatureContext {
  readonly tracer: Tracer;
  readonly activities: ActivityTracker;
  /** What fetch, XHR and other request instrumentations need (allowlist, ignore list, headers). */
  readonly requests: HttpInstrumentationDeps;
  /** The page view span, once the page-load feature has started it. */
  pageView: Span | undefined;
  /** The session id now (counts as activity), or `undefined` without the session feature. */
  sessionId(): string | undefined;
  /** Adds one to a counter attribute of the page view (`wideline.interactions`, …). */
  countOnPageView(key: string): void;
  /** Runs `fn` once, the first time the page is hidden or unloaded, before the final flush. */
  onPageHidden(fn: () => void): void;
  /**
   * Runs `fn` once, right before the page view ends (the page first hidden or unloaded, or shutdown),
   * so that what it writes — the vitals' final values — is on the span whatever ended it.
   */
  beforePageViewEnds(fn: () => void): void;
  /** Ends the page view, after the {@link beforePageViewEnds} hooks; the page-load feature calls it. */
  endPageView(): void;
}

/** One feature of the browser SDK. */
export interface BrowserFeature {
  /** A short name, e.g. `fetch`; unique among the features passed. */
  readonly name: string;
  /** Contributes pipeline parts; runs before the pipeline is built. */
  setup?(parts: BrowserParts): void;
  /** Starts the feature; returns what undoes it on shutdown. */
  start?(sdk: FeatureContext): (() => void) | undefined;
}
