/**
 * URL templates for CLIENT span names (`GET /api/orders/{id}`): the app names the shapes of its API's
 * paths, since a browser cannot know the server's routes. A template is a path (`/api/orders/{id}`),
 * or an origin and a path (`https://api.example.com/orders/{id}`); each `{name}` stands for one
 * non-empty path segment. A function may answer instead, e.g. from the app's router table.
 *
 * @module
 */
import { safeUrl } from './allowlist';

/** Path templates, or a function from the request URL to its template. */
export type UrlTemplates = ReadonlyArray<string> | ((url: URL) => string | undefined);

interface Compiled {
  origin: string | undefined;
  path: string;
  segments: readonly string[];
}

const isParameter = (segment: string) => segment.length > 2 && segment.startsWith('{') && segment.endsWith('}');

function compile(template: string): Compiled {
  const absolute = template.includes('://') ? safeUrl(template.replace(/[{}]/g, '_')) : undefined;
  // The origin from the parsed URL; the path from the text itself (URL parsing would encode `{}`).
  // An origin alone (`https://api.example.com`) is its root path, as `new URL(…).pathname` says.
  const slash = template.indexOf('/', template.indexOf('://') + 3);
  const path = absolute ? (slash < 0 ? '/' : template.slice(slash)) : template;
  return { origin: absolute?.origin, path, segments: path.split('/') };
}

function matches(compiled: Compiled, url: URL): boolean {
  if (compiled.origin !== undefined && compiled.origin !== url.origin) return false;
  const segments = url.pathname.split('/');
  if (segments.length !== compiled.segments.length) return false;
  return compiled.segments.every((part, i) => (isParameter(part) ? segments[i] !== '' : part === segments[i]));
}

/** Returns the function that finds a URL's template (the first that matches), or `undefined`. */
export function urlTemplateMatcher(templates: UrlTemplates | undefined): (url: URL) => string | undefined {
  if (typeof templates === 'function') {
    return (url) => {
      try {
        const template = templates(url);
        return typeof template === 'string' && template.length > 0 ? template : undefined;
      } catch {
        return undefined;
      }
    };
  }
  const compiled = (templates ?? []).filter((t) => typeof t === 'string' && t.length > 0).map(compile);
  return (url) => compiled.find((c) => matches(c, url))?.path;
}
