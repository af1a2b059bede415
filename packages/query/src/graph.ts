/**
 * The in-memory graph of one trace: who is whose parent, where the roots are, which spans lost their
 * parent, and display times corrected for clock skew between hosts. Analyses (failure, saga
 * compensations, critical path, time per service) are methods so a caller holds one object.
 *
 * Built for big traces: everything is iterative (no recursion over depth), O(n log n) at worst.
 *
 * @example
 * const graph = TraceGraph.fromSpans(spans);
 * const failure = graph.firstFailure();
 * if (failure) console.log(graph.pathTo(failure.span.spanId).map((n) => n.span.name).join(' → '));
 * @module
 */

import { LINK_REASON_ATTRIBUTE, LINK_TYPE_ATTRIBUTE } from '@wideline/core/conventions';
import { correctClockSkew } from './clock-skew.ts';
import { type CriticalSegment, criticalPath } from './critical-path.ts';
import { errorMessages, firstFailure } from './failure.ts';
import { type Compensation, compensations, type SagaOutcome, sagaOutcomes } from './saga.ts';
import { type ServiceTime, serviceTimes } from './service-time.ts';
import { durationUs, type Span } from './span.ts';

/** A span in the graph. Times are display times: the span's own, shifted by `skewUs` when corrected. */
export interface SpanNode {
  span: Span;
  parent: SpanNode | undefined;
  /** Sorted by start time. */
  children: SpanNode[];
  depth: number;
  /** Its parent span id is not in the trace (lost, unsampled, or still in flight); hung under the root. */
  orphan: boolean;
  startUs: number;
  endUs: number;
  /** Shift applied to correct clock skew against the parent's host (0 when none). */
  skewUs: number;
}

/** A span link, resolved to its target span when that span is in this trace. */
export interface ResolvedLink {
  from: SpanNode;
  to: SpanNode | undefined;
  traceId: string;
  spanId: string;
  /** `wideline.link.type` (e.g. `compensates`, `failed_step`), when the link carries one. */
  type: string | undefined;
  /** `wideline.link.reason` (e.g. `overlapping_activities` on a browser `candidate_parent` link), if any. */
  reason: string | undefined;
}

function byStart(a: SpanNode, b: SpanNode): number {
  return a.startUs - b.startUs || a.endUs - b.endUs;
}

/**
 * Sorts siblings by start time, in place; stable. Siblings usually arrive in order already, and a
 * check costs less than the copy `Array.prototype.sort` makes of every array it sorts.
 */
function sortByStart(nodes: SpanNode[]): void {
  for (let i = 1; i < nodes.length; i++)
    if (byStart(nodes[i - 1]!, nodes[i]!) > 0) {
      nodes.sort(byStart);
      return;
    }
}

/** One trace as a tree (or forest) of {@link SpanNode}s. */
export class TraceGraph {
  readonly traceId: string;
  /** Every span by span id (duplicates Jaeger returned are dropped). */
  readonly nodes: ReadonlyMap<string, SpanNode>;
  /** Spans without a parent id; when a trace has none, its earliest orphan stands in. */
  readonly roots: readonly SpanNode[];
  /** Spans whose parent is missing, in start order; each hangs under {@link root}. */
  readonly orphans: readonly SpanNode[];
  /** All nodes in display order (depth-first, children by start time). */
  readonly ordered: readonly SpanNode[];
  /** Earliest display start over all spans, µs. */
  readonly startUs: number;
  /** Latest display end over all spans, µs. */
  readonly endUs: number;
  #services: string[] | undefined;

  private constructor(traceId: string, nodes: Map<string, SpanNode>, roots: SpanNode[], orphans: SpanNode[]) {
    this.traceId = traceId;
    this.nodes = nodes;
    this.roots = roots;
    this.orphans = orphans;
    // One walk: the display order, depths, each node's children put in display-time order before
    // they are walked, and the trace's time span.
    const ordered: SpanNode[] = [];
    const stack: SpanNode[] = roots.slice().reverse();
    for (const r of roots) r.depth = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    while (stack.length > 0) {
      const node = stack.pop()!;
      ordered.push(node);
      if (node.startUs < min) min = node.startUs;
      if (node.endUs > max) max = node.endUs;
      const children = node.children;
      sortByStart(children);
      for (let i = children.length - 1; i >= 0; i--) {
        const child = children[i]!;
        child.depth = node.depth + 1;
        stack.push(child);
      }
    }
    this.ordered = ordered;
    this.startUs = min;
    this.endUs = max;
  }

  /** Builds the graph. Throws only on an empty span list. */
  static fromSpans(spans: readonly Span[]): TraceGraph {
    if (spans.length === 0) throw new Error('TraceGraph needs at least one span');
    // Index loops over arrays rather than iterators over the map: in a fresh process these loops run
    // once per span before the JIT has compiled them, and the interpreter pays for every iterator step.
    const nodes = new Map<string, SpanNode>();
    const list: SpanNode[] = [];
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i]!;
      if (nodes.has(span.spanId)) continue;
      const node: SpanNode = {
        span,
        parent: undefined,
        children: [],
        depth: 0,
        orphan: false,
        startUs: span.startUs,
        endUs: span.startUs + durationUs(span),
        skewUs: 0,
      };
      nodes.set(span.spanId, node);
      list.push(node);
    }
    const roots: SpanNode[] = [];
    const orphans: SpanNode[] = [];
    for (let i = 0; i < list.length; i++) {
      const node = list[i]!;
      const parentId = node.span.parentSpanId;
      const parent = parentId ? nodes.get(parentId) : undefined;
      if (!parentId) roots.push(node);
      else if (!parent || parent === node) orphans.push(node);
      else {
        node.parent = parent;
        parent.children.push(node);
      }
    }
    roots.sort(byStart);
    orphans.sort(byStart);
    if (roots.length === 0) {
      // No root: the earliest orphan stands in; when every span's parent is present (a pure parent
      // cycle), the earliest span is cut loose from its parent instead.
      let stand = orphans.shift();
      if (!stand) {
        stand = [...nodes.values()].sort(byStart)[0]!;
        const parent = stand.parent!;
        parent.children.splice(parent.children.indexOf(stand), 1);
        stand.parent = undefined;
      }
      roots.push(stand);
    }
    const primary = roots[0]!;
    const adopt = (node: SpanNode) => {
      node.orphan = true;
      node.parent = primary;
      primary.children.push(node);
    };
    for (const orphan of orphans) adopt(orphan);
    // Children are sorted by their own clocks before the skew correction and by display times after
    // it (in the constructor's walk), so spans the correction moves onto the same times keep the
    // order of their own clocks. The first sort goes with the walk that checks every span is
    // reachable from a root.
    // A parent cycle (corrupt data) leaves spans unreachable from any root: break it and adopt them.
    if (sortReachable(roots) < nodes.size) {
      const reached = new Set(preOrder(roots));
      for (const node of [...nodes.values()].sort(byStart)) {
        if (reached.has(node)) continue;
        const parent = node.parent;
        if (parent) parent.children.splice(parent.children.indexOf(node), 1);
        adopt(node);
        orphans.push(node);
        for (const n of preOrder([node])) reached.add(n);
      }
      for (let i = 0; i < list.length; i++) sortByStart(list[i]!.children);
    }
    correctClockSkew(roots);
    return new TraceGraph(primary.span.traceId, nodes, roots, orphans);
  }

  /** The first root: the entry point of the user action. */
  get root(): SpanNode {
    return this.roots[0]!;
  }

  get size(): number {
    return this.nodes.size;
  }

  get durationUs(): number {
    return this.endUs - this.startUs;
  }

  /** Service names in order of first appearance in the tree. */
  get services(): string[] {
    this.#services ??= [...new Set(this.ordered.map((n) => n.span.service))];
    return [...this.#services];
  }

  get(spanId: string): SpanNode | undefined {
    return this.nodes.get(spanId);
  }

  parentOf(spanId: string): SpanNode | undefined {
    return this.nodes.get(spanId)?.parent;
  }

  childrenOf(spanId: string): readonly SpanNode[] {
    return this.nodes.get(spanId)?.children ?? [];
  }

  /** Nodes from the root down to `spanId` (inclusive); empty when the span is not in the trace. */
  pathTo(spanId: string): SpanNode[] {
    const path: SpanNode[] = [];
    for (let node = this.nodes.get(spanId); node; node = node.parent) path.push(node);
    return path.reverse();
  }

  /** Spans with ERROR status, in display order. */
  errors(): SpanNode[] {
    return this.ordered.filter((n) => n.span.status.code === 'ERROR');
  }

  /** The root cause: the earliest-ending ERROR span with no ERROR span beneath it. */
  firstFailure(): SpanNode | undefined {
    return firstFailure(this.ordered);
  }

  /** The status message and recorded exceptions of a span, most specific first. */
  errorMessages(node: SpanNode): string[] {
    return errorMessages(node.span);
  }

  /** Saga compensations (`wideline.saga.role = compensation`) with the steps they undo. */
  compensations(): Compensation[] {
    return compensations(this);
  }

  /** Outcomes recorded on saga roots (`wideline.saga.outcome`). */
  sagaOutcomes(): SagaOutcome[] {
    return sagaOutcomes(this.ordered);
  }

  /** The chain of work that determined when the trace finished, in time order. */
  criticalPath(): CriticalSegment[] {
    return criticalPath(this.roots);
  }

  /** Self time (time not covered by child spans) and span counts per service, largest first. */
  serviceTimes(): ServiceTime[] {
    return serviceTimes(this.ordered);
  }

  /** Every span link, resolved where the target is in this trace. */
  links(): ResolvedLink[] {
    const out: ResolvedLink[] = [];
    const ordered = this.ordered;
    for (let i = 0; i < ordered.length; i++)
      if (ordered[i]!.span.links.length > 0) out.push(...this.linksOf(ordered[i]!));
    return out;
  }

  /** One span's links, resolved where the target is in this trace. */
  linksOf(from: SpanNode): ResolvedLink[] {
    return from.span.links.map((link) => {
      const type = link.attributes[LINK_TYPE_ATTRIBUTE];
      const reason = link.attributes[LINK_REASON_ATTRIBUTE];
      return {
        from,
        to: link.traceId === this.traceId ? this.nodes.get(link.spanId) : undefined,
        traceId: link.traceId,
        spanId: link.spanId,
        type: typeof type === 'string' ? type : undefined,
        reason: typeof reason === 'string' ? reason : undefined,
      };
    });
  }
}

/** Sorts the children of every node reachable from `roots` by start; returns how many nodes it reached. */
function sortReachable(roots: readonly SpanNode[]): number {
  const stack = roots.slice();
  let reached = 0;
  while (stack.length > 0) {
    const node = stack.pop()!;
    reached++;
    const children = node.children;
    sortByStart(children);
    for (let i = 0; i < children.length; i++) stack.push(children[i]!);
  }
  return reached;
}

/** Depth-first pre-order over the forest. Iterative so a 10k-deep chain is fine. */
function preOrder(roots: readonly SpanNode[]): SpanNode[] {
  const out: SpanNode[] = [];
  const stack: SpanNode[] = [...roots].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}
