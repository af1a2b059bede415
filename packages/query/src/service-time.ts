/**
 * Time per service: each span's self time (its duration minus the time covered by its children),
 * summed by service. Self time adds up to the busy time of the trace instead of counting nested work
 * twice, so it answers "where did the time go".
 *
 * @module
 */
import type { SpanNode } from './graph.ts';

/** One service's share of a trace. */
export interface ServiceTime {
  service: string;
  /** Sum of self time over the service's spans, µs. */
  selfUs: number;
  spans: number;
  errors: number;
}

/** Self time of one span: its interval minus the union of its children's intervals (clipped to it). */
export function selfTimeUs(node: SpanNode): number {
  const total = node.endUs - node.startUs;
  if (total <= 0) return 0;
  // A leaf (most spans of a big trace) is all self time.
  if (node.children.length === 0) return total;
  let covered = 0;
  let runStart = Number.NaN;
  let runEnd = Number.NaN;
  // Children are sorted by start, so overlapping children merge in one pass.
  const children = node.children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    // An adopted orphan is not really this span's child: its time says nothing about this span.
    if (child.orphan) continue;
    const s = Math.max(child.startUs, node.startUs);
    const e = Math.min(child.endUs, node.endUs);
    if (e <= s) continue;
    if (Number.isNaN(runStart) || s > runEnd) {
      if (!Number.isNaN(runStart)) covered += runEnd - runStart;
      runStart = s;
      runEnd = e;
    } else runEnd = Math.max(runEnd, e);
  }
  if (!Number.isNaN(runStart)) covered += runEnd - runStart;
  return Math.max(0, total - covered);
}

/**
 * Time per service, one span at a time: for a caller that already walks every span (the waterfall),
 * so that a big trace is not walked once more for this.
 */
export class ServiceTimeTally {
  readonly #by = new Map<string, ServiceTime>();

  add(node: SpanNode): void {
    const service = node.span.service;
    let entry = this.#by.get(service);
    if (!entry) {
      entry = { service, selfUs: 0, spans: 0, errors: 0 };
      this.#by.set(service, entry);
    }
    entry.selfUs += selfTimeUs(node);
    entry.spans++;
    if (node.span.status.code === 'ERROR') entry.errors++;
  }

  /** Most time first. */
  result(): ServiceTime[] {
    return [...this.#by.values()].sort((a, b) => b.selfUs - a.selfUs || a.service.localeCompare(b.service));
  }
}

/** Self time, span count and error count per service, most time first. */
export function serviceTimes(nodes: readonly SpanNode[]): ServiceTime[] {
  const tally = new ServiceTimeTally();
  for (let i = 0; i < nodes.length; i++) tally.add(nodes[i]!);
  return tally.result();
}
