/**
 * The critical path: the chain of work that decided when the trace finished. Walking back from the
 * end, each span hands the time to the child (subtree) that finished last before the current point,
 * then continues before that child started — the algorithm Jaeger's UI uses, except that a child may
 * end after its parent: asynchronous jobs outlive the request that queued them, and they are usually
 * the point of looking at the critical path of such a trace.
 *
 * @module
 */
import type { SpanNode } from './graph.ts';

/** A stretch of time spent in one span's own work (not in a child). */
export interface CriticalSegment {
  node: SpanNode;
  startUs: number;
  endUs: number;
}

type Task = { explain: SpanNode; cursor: number } | { segment: CriticalSegment };

/** Latest end time in each node's subtree. Index loops: this runs once per span in a fresh process. */
function subtreeEnds(roots: readonly SpanNode[]): Map<SpanNode, number> {
  const order: SpanNode[] = [];
  const stack = roots.slice();
  while (stack.length > 0) {
    const n = stack.pop()!;
    order.push(n);
    const children = n.children;
    for (let i = 0; i < children.length; i++) stack.push(children[i]!);
  }
  const ends = new Map<SpanNode, number>();
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    const children = n.children;
    let end = n.endUs;
    for (let j = 0; j < children.length; j++) {
      const childEnd = ends.get(children[j]!)!;
      if (childEnd > end) end = childEnd;
    }
    ends.set(n, end);
  }
  return ends;
}

/** Critical path of the forest in time order, consecutive stretches of one span merged. */
export function criticalPath(roots: readonly SpanNode[]): CriticalSegment[] {
  if (roots.length === 0) return [];
  const ends = subtreeEnds(roots);
  // The root whose subtree finished last carries the trace's end.
  let first = roots[0]!;
  for (const r of roots) if (ends.get(r)! > ends.get(first)!) first = r;
  const reversed: CriticalSegment[] = [];
  const tasks: Task[] = [{ explain: first, cursor: ends.get(first)! }];
  while (tasks.length > 0) {
    const task = tasks.pop()!;
    if ('segment' in task) {
      if (task.segment.endUs > task.segment.startUs) reversed.push(task.segment);
      continue;
    }
    // Plan this node's stretch back to front, then push it reversed so it runs in that order.
    const node = task.explain;
    const plan: Task[] = [];
    let cursor = task.cursor;
    const kids =
      node.children.length > 1 ? node.children.slice().sort((a, b) => ends.get(b)! - ends.get(a)!) : node.children;
    for (const kid of kids) {
      if (cursor <= node.startUs) break;
      if (kid.startUs >= cursor) continue;
      const kidEnd = Math.min(ends.get(kid)!, cursor);
      const selfEnd = Math.min(cursor, node.endUs);
      if (selfEnd > kidEnd) plan.push({ segment: { node, startUs: Math.max(kidEnd, node.startUs), endUs: selfEnd } });
      plan.push({ explain: kid, cursor: kidEnd });
      cursor = kid.startUs;
    }
    const selfEnd = Math.min(cursor, node.endUs);
    if (selfEnd > node.startUs) plan.push({ segment: { node, startUs: node.startUs, endUs: selfEnd } });
    for (let i = plan.length - 1; i >= 0; i--) tasks.push(plan[i]!);
  }
  const path: CriticalSegment[] = [];
  for (let i = reversed.length - 1; i >= 0; i--) {
    const seg = reversed[i]!;
    const last = path[path.length - 1];
    if (last && last.node === seg.node && last.endUs === seg.startUs) last.endUs = seg.endUs;
    else path.push({ ...seg });
  }
  return path;
}
