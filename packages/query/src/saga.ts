/**
 * Reads the saga contract that `@wideline/bullmq` writes: compensation spans
 * (`wideline.saga.role = compensation`) name the step they undo and the step whose failure triggered
 * them, as attributes and as span links typed by `wideline.link.type` (`compensates`, `failed_step`).
 * Links win when present (they point at the exact span); attributes are the fallback, e.g. when the
 * legacy API dropped the link attributes.
 *
 * @module
 */

import { LINK_TYPE_ATTRIBUTE, LINK_TYPES, SAGA } from '@wideline/core/conventions';
import type { SpanNode, TraceGraph } from './graph.ts';

/** A compensation and what it undid. */
export interface Compensation {
  node: SpanNode;
  sagaName: string | undefined;
  sagaId: string | undefined;
  /** Name of the step it undoes (`wideline.saga.compensates`). */
  undoesStep: string | undefined;
  /** The span of that step, when found. */
  undoes: SpanNode | undefined;
  /** Name of the step whose failure triggered compensation. */
  failedStep: string | undefined;
  failed: SpanNode | undefined;
  /** `wideline.saga.reason`: the failure message. */
  reason: string | undefined;
  /** False when the compensation itself ended in ERROR. */
  succeeded: boolean;
}

/** A saga's recorded outcome (`wideline.saga.outcome` on its root / wide event). */
export interface SagaOutcome {
  node: SpanNode;
  sagaName: string | undefined;
  sagaId: string | undefined;
  outcome: string;
  failedStep: string | undefined;
}

function str(node: SpanNode, key: string): string | undefined {
  const v = node.span.attributes[key];
  return v === undefined ? undefined : String(v);
}

function linkedSpan(graph: TraceGraph, node: SpanNode, type: string): SpanNode | undefined {
  for (const link of node.span.links) {
    if (link.attributes[LINK_TYPE_ATTRIBUTE] === type && link.traceId === graph.traceId) {
      const target = graph.get(link.spanId);
      if (target) return target;
    }
  }
  return undefined;
}

/** The saga step span named `step` in saga run `sagaId`; the last attempt when a step was retried. */
function stepSpan(graph: TraceGraph, sagaId: string | undefined, step: string | undefined): SpanNode | undefined {
  if (!step) return undefined;
  let found: SpanNode | undefined;
  for (const n of graph.ordered) {
    if (str(n, SAGA.role) !== 'step' || str(n, SAGA.step) !== step) continue;
    if (sagaId !== undefined && str(n, SAGA.id) !== sagaId) continue;
    if (!found || n.startUs > found.startUs) found = n;
  }
  return found;
}

/** All compensations in the trace, in time order. */
export function compensations(graph: TraceGraph): Compensation[] {
  const out: Compensation[] = [];
  for (const node of graph.ordered) {
    const isCompensation =
      str(node, SAGA.role) === 'compensation' ||
      node.span.links.some((l) => l.attributes[LINK_TYPE_ATTRIBUTE] === LINK_TYPES.compensates);
    if (!isCompensation) continue;
    const sagaId = str(node, SAGA.id);
    const undoes = linkedSpan(graph, node, LINK_TYPES.compensates);
    const failed = linkedSpan(graph, node, LINK_TYPES.failedStep);
    const undoesStep = str(node, SAGA.compensates) ?? str(node, SAGA.step);
    const failedStep = str(node, SAGA.failedStep);
    out.push({
      node,
      sagaName: str(node, SAGA.name),
      sagaId,
      undoesStep: undoesStep ?? (undoes && str(undoes, SAGA.step)),
      undoes: undoes ?? stepSpan(graph, sagaId, undoesStep),
      failedStep: failedStep ?? (failed && str(failed, SAGA.step)),
      failed: failed ?? stepSpan(graph, sagaId, failedStep),
      reason: str(node, SAGA.reason),
      succeeded: node.span.status.code !== 'ERROR',
    });
  }
  return out.sort((a, b) => a.node.startUs - b.node.startUs);
}

/**
 * Saga outcomes, one per saga run: the saga span and the job's wide event both carry the outcome, so
 * repeats of the same (saga, id, outcome) are dropped.
 */
export function sagaOutcomes(ordered: readonly SpanNode[]): SagaOutcome[] {
  const out: SagaOutcome[] = [];
  const seen = new Set<string>();
  for (const node of ordered) {
    const outcome = str(node, SAGA.outcome);
    if (outcome === undefined) continue;
    const key = JSON.stringify([str(node, SAGA.name), str(node, SAGA.id), outcome]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      node,
      sagaName: str(node, SAGA.name),
      sagaId: str(node, SAGA.id),
      outcome,
      failedStep: str(node, SAGA.failedStep),
    });
  }
  return out;
}

/** The saga step a span belongs to: itself or its nearest ancestor with `wideline.saga.role = step`. */
export function enclosingSagaStep(node: SpanNode | undefined): SpanNode | undefined {
  for (let n = node; n; n = n.parent) if (str(n, SAGA.role) === 'step') return n;
  return undefined;
}
