/**
 * User interactions and single-page navigations as activities. A click or submit starts a new trace
 * (the user started something new); a route change started during an interaction stays in that
 * interaction's trace, so click → navigation → the new route's fetches read as one story in Jaeger.
 *
 * @internal
 * @module
 */
import { context, ROOT_CONTEXT, type Span, type Tracer, trace } from '@opentelemetry/api';
import { ATTR_URL_PATH } from '@wideline/core/conventions';
import type { ActivityTracker } from './activity';

/** Options for interaction spans. */
export interface InteractionOptions {
  /** DOM events that start an interaction. Default `['click', 'submit']`. */
  events?: readonly string[];
}

/** What interactions and navigations report to the page view. */
export interface InteractionHooks {
  onInteraction?: (span: Span) => void;
  onNavigation?: (span: Span, path: string) => void;
}

const MAX_LABEL = 64;

/** `button#buy`, `a[data-wideline-name=checkout]`, `form#signup`: short and free of user text. */
export function describeTarget(target: EventTarget | null): string {
  if (!(target instanceof Element)) return 'document';
  const element = target.closest('[data-wideline-name],button,a,input,select,textarea,form,[role=button]') ?? target;
  const tag = element.tagName.toLowerCase();
  const label = element.getAttribute('data-wideline-name') || (element.id ? `${tag}#${element.id}` : tag);
  return label.slice(0, MAX_LABEL);
}

/** Starts an interaction span for each configured DOM event; returns the uninstaller. */
export function instrumentInteractions(
  tracer: Tracer,
  activities: ActivityTracker,
  options: InteractionOptions = {},
  hooks: InteractionHooks = {},
): () => void {
  const events = options.events ?? ['click', 'submit'];
  const listener = (event: Event) => {
    try {
      const label = describeTarget(event.target);
      const span = tracer.startSpan(
        `${event.type} ${label}`,
        {
          root: true,
          attributes: {
            'wideline.interaction.type': event.type,
            'wideline.interaction.target': label,
            [ATTR_URL_PATH]: globalThis.location?.pathname ?? '',
          },
        },
        ROOT_CONTEXT,
      );
      const activity = activities.start(trace.setSpan(ROOT_CONTEXT, span), (reason) => {
        span.setAttribute('wideline.end_reason', reason);
        span.end();
      });
      // The page's own listeners for this event are certainly this interaction's, overlap or not.
      activities.own(activity, event);
      hooks.onInteraction?.(span);
    } catch {
      // Never break the page's own handlers.
    }
  };
  // Capture on window runs before any handler of the page, so those handlers see the new span.
  for (const type of events) globalThis.addEventListener?.(type, listener, { capture: true, passive: true });
  return () => {
    for (const type of events) globalThis.removeEventListener?.(type, listener, { capture: true });
  };
}

/** What changed in a same-document navigation; a hash change is named as one. */
export type NavigationChange = 'path' | 'query' | 'hash';

/** What caused a same-document navigation. */
export type NavigationTrigger = 'pushState' | 'replaceState' | 'popstate' | 'hashchange';

/** The address, by the parts a navigation can change. */
type Place = Record<NavigationChange, string>;

const here = (): Place => ({ path: location.pathname, query: location.search, hash: location.hash });

/** The first part that differs, in the order path, query, hash. */
const changeOf = (from: Place, to: Place): NavigationChange | undefined =>
  (['path', 'query', 'hash'] as const).find((part) => from[part] !== to[part]);

/**
 * Starts a navigation span when the address changes: the path, the query (`?page=2`) or the hash.
 * Path and query changes are `navigation <path>`, hash changes `hashchange <path>` (the fragment's
 * value is not in the name: names must stay few). `wideline.navigation.trigger` says what caused it:
 * `pushState` / `replaceState` (the app's router), `popstate` (back/forward), `hashchange` (a
 * fragment link or `location.hash`; the browser fires `popstate` first for those too, and the
 * trigger is still `hashchange`). The query string itself is not recorded (it may carry tokens).
 */
export function instrumentNavigations(
  tracer: Tracer,
  activities: ActivityTracker,
  hooks: InteractionHooks = {},
): () => void {
  const history = globalThis.history;
  if (!history || !globalThis.location) return () => undefined;
  let last = here();
  const changed = (trigger: NavigationTrigger) => {
    try {
      const to = here();
      const change = changeOf(last, to);
      if (!change) return;
      const from = last;
      last = to;
      const cause: NavigationTrigger = change === 'hash' && trigger === 'popstate' ? 'hashchange' : trigger;
      const span = tracer.startSpan(
        `${change === 'hash' ? 'hashchange' : 'navigation'} ${to.path}`,
        {
          attributes: {
            [ATTR_URL_PATH]: to.path,
            'wideline.navigation.from': from.path,
            'wideline.navigation.trigger': cause,
            'wideline.navigation.change': change,
          },
        },
        context.active(),
      );
      activities.start(
        trace.setSpan(ROOT_CONTEXT, span),
        (reason) => {
          span.setAttribute('wideline.end_reason', reason);
          span.end();
        },
        'navigation',
      );
      hooks.onNavigation?.(span, to.path);
    } catch {
      // Never break routing.
    }
  };
  const { pushState, replaceState } = history;
  history.pushState = function (...args: Parameters<History['pushState']>) {
    const result = pushState.apply(this, args);
    changed('pushState');
    return result;
  };
  history.replaceState = function (...args: Parameters<History['replaceState']>) {
    const result = replaceState.apply(this, args);
    changed('replaceState');
    return result;
  };
  const onPop = () => changed('popstate');
  const onHash = () => changed('hashchange');
  globalThis.addEventListener('popstate', onPop);
  globalThis.addEventListener('hashchange', onHash);
  return () => {
    history.pushState = pushState;
    history.replaceState = replaceState;
    globalThis.removeEventListener('popstate', onPop);
    globalThis.removeEventListener('hashchange', onHash);
  };
}
