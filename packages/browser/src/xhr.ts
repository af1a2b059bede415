/**
 * `XMLHttpRequest` CLIENT spans and header propagation: `open` remembers method and URL, `send`
 * starts the span and sets the headers, `loadend` ends it.
 *
 * @internal
 * @module
 */
import { type HttpInstrumentationDeps, startClientRequest } from './client-span';

const REQUEST = Symbol('wideline.xhr');

type Tagged = XMLHttpRequest & { [REQUEST]?: { method: string; url: string } };

/** Patches `XMLHttpRequest.prototype`; returns the function that restores it. */
export function instrumentXhr(deps: HttpInstrumentationDeps): () => void {
  const proto = globalThis.XMLHttpRequest?.prototype;
  if (!proto) return () => undefined;
  const { open, send } = proto;

  proto.open = function (this: Tagged, method: string, url: string | URL, ...rest: unknown[]) {
    this[REQUEST] = { method: String(method), url: String(url) };
    return (open as (...args: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof proto.open;

  proto.send = function (this: Tagged, body?: Document | XMLHttpRequestBodyInit | null) {
    const info = this[REQUEST];
    try {
      const request = info ? startClientRequest(deps, info.method, info.url) : undefined;
      if (request) {
        for (const [name, value] of Object.entries(request.headers)) this.setRequestHeader(name, value);
        this.addEventListener('loadend', () => request.finish(this.status), { once: true });
      }
    } catch {
      // Tracing must never stop the request itself.
    }
    return send.call(this, body);
  };

  return () => {
    proto.open = open;
    proto.send = send;
  };
}
