/**
 * Clock-skew correction for spans recorded on hosts whose clocks disagree.
 *
 * @module
 */
import type { SpanNode } from './graph.ts';

/**
 * Hosts disagree about the time. A span cannot start before its parent did, and a synchronous call
 * (client → server) cannot outlast its client span; when a child from another service breaks either
 * rule, shift it and its subtree: to the middle of the parent for synchronous calls (splitting the
 * unknown network latency evenly, as Jaeger's adjuster does), else to the parent's start. Asynchronous
 * children (messaging) may end after their parent, so only the start rule applies to them.
 */
export function correctClockSkew(roots: readonly SpanNode[]): void {
  const stack = roots.slice();
  while (stack.length > 0) {
    const parent = stack.pop()!;
    const children = parent.children;
    for (let i = 0; i < children.length; i++) {
      const child = children[i]!;
      if (child.span.service !== parent.span.service && !child.orphan) {
        const sync = parent.span.kind === 'client' && child.span.kind === 'server';
        const childDur = child.endUs - child.startUs;
        const parentDur = parent.endUs - parent.startUs;
        let target = child.startUs;
        if (sync && childDur <= parentDur && (child.startUs < parent.startUs || child.endUs > parent.endUs)) {
          target = parent.startUs + (parentDur - childDur) / 2;
        } else if (child.startUs < parent.startUs) target = parent.startUs;
        if (target !== child.startUs) shift(child, target - child.startUs);
      }
      stack.push(child);
    }
  }
}

/** Moves a span and its whole subtree, keeping in-process timings intact. */
function shift(node: SpanNode, deltaUs: number): void {
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const c of n.children) stack.push(c);
    n.startUs += deltaUs;
    n.endUs += deltaUs;
    n.skewUs += deltaUs;
  }
}
