/**
 * Finding the root cause of a failed trace. Errors propagate upwards (a failing job fails its flow,
 * which fails the request), so the cause is the deepest ERROR span — one with no ERROR span beneath
 * it — and when several independent ones exist, the one that ended first.
 *
 * @module
 */
import type { SpanNode } from './graph.ts';
import type { Span } from './span.ts';

/** The first root-cause failure among `ordered` (pre-order), or `undefined` when nothing failed. */
export function firstFailure(ordered: readonly SpanNode[]): SpanNode | undefined {
  const errorBelow = new Set<SpanNode>();
  let best: SpanNode | undefined;
  // Reverse pre-order visits every child before its parent.
  for (let i = ordered.length - 1; i >= 0; i--) {
    const node = ordered[i]!;
    const failed = node.span.status.code === 'ERROR';
    if (failed && !errorBelow.has(node)) {
      if (!best || node.endUs < best.endUs || (node.endUs === best.endUs && node.depth > best.depth)) best = node;
    }
    if ((failed || errorBelow.has(node)) && node.parent && !node.orphan) errorBelow.add(node.parent);
  }
  return best;
}

/**
 * What a span says went wrong: its status message, then each recorded `exception` event as
 * `Type: message`, without repeats.
 */
export function errorMessages(span: Span): string[] {
  const out: string[] = [];
  const add = (text: string | undefined) => {
    const t = text?.trim();
    if (t && !out.includes(t)) out.push(t);
  };
  for (const event of span.events) {
    if (event.name !== 'exception') continue;
    const type = event.attributes['exception.type'];
    const message = event.attributes['exception.message'];
    add([type, message].filter((v) => v !== undefined && v !== '').join(': '));
  }
  // A status message that repeats an exception's message says nothing new; the typed form is kept.
  const status = span.status.message;
  if (status && !out.some((m) => m === status || m.endsWith(`: ${status}`))) out.unshift(status);
  return out;
}
