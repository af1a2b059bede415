/**
 * Finding the root cause of a failed trace: the earliest-ending ERROR span, and among spans that
 * ended together the deepest. Errors propagate upwards (a failing step fails its job, which fails the
 * flow), and a span's failure can only be caused by one that ended no later — so the earliest end is
 * the cause, and on a tie the deeper span is where it started. An asynchronous producer that failed
 * before its consumer did is, rightly, its own cause.
 *
 * @module
 */
import type { SpanNode } from './graph.ts';
import type { Span } from './span.ts';

/** The first root-cause failure among `nodes`, or `undefined` when nothing failed. */
export function firstFailure(nodes: readonly SpanNode[]): SpanNode | undefined {
  let best: SpanNode | undefined;
  for (const node of nodes) {
    if (node.span.status.code !== 'ERROR') continue;
    if (!best || node.endUs < best.endUs || (node.endUs === best.endUs && node.depth > best.depth)) best = node;
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
  // A status message that an exception already says (often a shorter form of it) adds nothing; the
  // typed exception is kept.
  const status = span.status.message?.trim();
  if (status && !out.some((m) => m.includes(status))) out.unshift(status);
  return out;
}
