/**
 * "Why did this trace fail": the path from the root to the root-cause span, what the failing spans
 * said (status messages and recorded exceptions), and what the saga compensated — and whether each
 * compensation worked.
 *
 * @module
 */

import { jaegerTraceUrl, SAGA } from '@wideline/core/conventions';
import { formatDuration } from './format.ts';
import type { SpanNode, TraceGraph } from './graph.ts';
import { type JobAttempts, jobAttempts, type LinkedTrace } from './linked.ts';
import { type Compensation, enclosingSagaStep } from './saga.ts';
import { createStyle, type Style } from './style.ts';
import { MARK } from './waterfall.ts';

/** The explanation as data (what `--json` prints). */
export interface WhyReport {
  traceId: string;
  jaegerUrl: string;
  failed: boolean;
  failure?: { spanId: string; name: string; service: string; messages: string[]; atUs: number };
  /** The saga step that failed (the root cause itself or the step span around it), if any. */
  sagaStep?: { spanId: string; step: string; sagaName: string | undefined; sagaId: string | undefined };
  path: Array<{ spanId: string; name: string; service: string; status: string }>;
  /** Other ERROR spans: ancestors the failure propagated to, and independent failures. */
  otherErrors: Array<{ spanId: string; name: string; service: string; messages: string[]; propagated: boolean }>;
  compensations: Array<{
    spanId: string;
    name: string;
    service: string;
    undoesStep: string | undefined;
    undoesSpanId: string | undefined;
    failedStep: string | undefined;
    reason: string | undefined;
    succeeded: boolean;
    messages: string[];
  }>;
  sagaOutcomes: Array<{ sagaName: string | undefined; sagaId: string | undefined; outcome: string }>;
  /** Traces the story continues in or came from (followed links), oldest first. */
  linkedTraces: Array<{ traceId: string; jaegerUrl: string; relation: LinkedTrace['relation']; failed: boolean }>;
  /** Jobs of this trace whose attempts ran in several traces (retries), each attempt in order. */
  jobAttempts: JobAttempts[];
  /**
   * Spans left without a parent on purpose, with the spans that could have been it: a browser request
   * two overlapping interactions could own (`candidate_parent`), or one made after the interaction
   * went idle (`likely_parent`).
   */
  uncertainParents: Array<{ spanId: string; name: string; type: string; reason?: string; traceId: string; to: string }>;
}

const PARENT_LINK_TYPES = new Set(['candidate_parent', 'likely_parent']);

function ref(node: SpanNode) {
  return { spanId: node.span.spanId, name: node.span.name, service: node.span.service };
}

/**
 * Builds the {@link WhyReport} of a trace; `linked` are the traces {@link followLinks} read for it
 * (a retried job's later attempts, or the trace its job came from).
 */
export function explainFailure(graph: TraceGraph, jaegerUrl: string, linked: readonly LinkedTrace[] = []): WhyReport {
  const failure = graph.firstFailure();
  const path = failure ? graph.pathTo(failure.span.spanId) : [];
  const onPath = new Set(path);
  const compensations = graph.compensations();
  const compensationNodes = new Set(compensations.map((c) => c.node));
  const step = enclosingSagaStep(failure);
  const attr = (key: string) => {
    const v = step?.span.attributes[key];
    return v === undefined ? undefined : String(v);
  };
  return {
    traceId: graph.traceId,
    jaegerUrl: jaegerTraceUrl(graph.traceId, jaegerUrl),
    failed: failure !== undefined,
    ...(failure
      ? {
          failure: {
            ...ref(failure),
            messages: graph.errorMessages(failure),
            atUs: failure.endUs - graph.startUs,
          },
        }
      : {}),
    ...(step
      ? {
          sagaStep: {
            spanId: step.span.spanId,
            step: attr(SAGA.step) ?? step.span.name,
            sagaName: attr(SAGA.name),
            sagaId: attr(SAGA.id),
          },
        }
      : {}),
    path: path.map((n) => ({ ...ref(n), status: n.span.status.code })),
    otherErrors: graph
      .errors()
      .filter((n) => n !== failure && !compensationNodes.has(n))
      .map((n) => ({ ...ref(n), messages: graph.errorMessages(n), propagated: onPath.has(n) })),
    compensations: compensations.map((c: Compensation) => ({
      ...ref(c.node),
      undoesStep: c.undoesStep,
      undoesSpanId: c.undoes?.span.spanId,
      failedStep: c.failedStep,
      reason: c.reason,
      succeeded: c.succeeded,
      messages: c.succeeded ? [] : graph.errorMessages(c.node),
    })),
    sagaOutcomes: graph.sagaOutcomes().map((o) => ({ sagaName: o.sagaName, sagaId: o.sagaId, outcome: o.outcome })),
    linkedTraces: linked.map((l) => ({
      traceId: l.graph.traceId,
      jaegerUrl: jaegerTraceUrl(l.graph.traceId, jaegerUrl),
      relation: l.relation,
      failed: l.graph.errors().length > 0,
    })),
    jobAttempts: jobAttempts(graph, linked),
    uncertainParents: graph
      .links()
      .filter((l) => l.type !== undefined && PARENT_LINK_TYPES.has(l.type))
      .map((l) => ({
        spanId: l.from.span.spanId,
        name: l.from.span.name,
        type: l.type as string,
        ...(l.reason ? { reason: l.reason } : {}),
        traceId: l.traceId,
        to: l.to ? l.to.span.name : `span ${l.spanId}`,
      })),
  };
}

/** `GET /a has no parent (overlapping_activities): candidate_parent → span … in trace …`, per link. */
function renderUncertainParents(report: WhyReport, style: Style): string[] {
  if (report.uncertainParents.length === 0) return [];
  const lines = ['', style.bold('Parent not known (the browser could not tell which interaction owns these)')];
  for (const p of report.uncertainParents) {
    const where = p.traceId === report.traceId ? '' : ` in trace ${p.traceId}`;
    lines.push(`  ${p.name}: ${MARK.link} ${p.type}${p.reason ? ` (${p.reason})` : ''} → ${p.to}${where}`);
  }
  return lines;
}

/** `attempt 2 of 3 failed → trace …`, one line per attempt of each retried job. */
function renderAttempts(report: WhyReport, style: Style): string[] {
  if (report.jobAttempts.length === 0) return [];
  const lines = ['', style.bold('Attempts (retries run in traces of their own)')];
  for (const job of report.jobAttempts) {
    lines.push(`  ${job.queue} › ${job.jobName ?? 'job'} ${style.dim(`(job ${job.jobId})`)}`);
    for (const a of job.attempts) {
      const of =
        a.attempt !== undefined ? `attempt ${a.attempt}${a.maxAttempts ? ` of ${a.maxAttempts}` : ''}` : 'attempt';
      const how = a.startReason === 'stalled' ? ' (re-picked: its worker died)' : '';
      const verdict = a.failed ? 'failed' : (a.outcome ?? 'ended');
      const where = a.traceId === report.traceId ? style.dim('this trace') : `→ trace ${a.traceId}`;
      const head = `${a.failed ? MARK.error : '✓'} ${of}${how} ${verdict} ${where}`;
      lines.push(`    ${a.failed ? style.red(head) : head}${a.messages[0] ? style.dim(`  ${a.messages[0]}`) : ''}`);
    }
  }
  const elsewhere = report.linkedTraces.filter((l) => l.relation === 'origin');
  for (const l of elsewhere) lines.push(style.dim(`  came from trace ${l.traceId}  ${l.jaegerUrl}`));
  return lines;
}

/** Renders a {@link WhyReport} for the terminal. */
export function renderWhy(report: WhyReport, options: { color?: boolean } = {}): string[] {
  const style = createStyle(options.color ?? false);
  const lines: string[] = [];
  if (!report.failure) {
    lines.push(style.green(`✓ Trace ${report.traceId} has no failed spans.`), style.dim(report.jaegerUrl));
    return [...lines, ...renderUncertainParents(report, style), ...renderAttempts(report, style)];
  }
  const f = report.failure;
  lines.push(
    style.red(style.bold(`${MARK.error} Trace ${report.traceId} failed at ${f.service} › ${f.name}`)) +
      style.dim(` (${formatDuration(f.atUs)} into the trace)`),
    style.dim(report.jaegerUrl),
  );
  if (report.sagaStep) {
    const saga = [report.sagaStep.sagaName, report.sagaStep.sagaId].filter(Boolean).join(' ');
    lines.push(`Failed saga step: ${style.bold(report.sagaStep.step)}${saga ? ` (saga ${saga})` : ''}`);
  }
  lines.push('', style.bold('Failure path'));
  const serviceWidth = Math.max(...report.path.map((p) => p.service.length));
  report.path.forEach((p, i) => {
    const tree = i === 0 ? '' : `${'   '.repeat(i - 1)}└─ `;
    const isCause = i === report.path.length - 1;
    const mark = p.status === 'ERROR' ? ` ${MARK.error}` : '';
    const text = `${tree}${p.name}${mark}${isCause ? '  ← root cause' : ''}`;
    lines.push(`  ${style.dim(p.service.padEnd(serviceWidth))}  ${p.status === 'ERROR' ? style.red(text) : text}`);
  });
  lines.push('', style.bold('Error'));
  for (const m of f.messages.length > 0 ? f.messages : ['ERROR status without a message'])
    lines.push(`  ${style.red(m)}`);
  const propagated = report.otherErrors.filter((e) => e.propagated);
  const independent = report.otherErrors.filter((e) => !e.propagated);
  if (propagated.length > 0) {
    lines.push(style.dim('  propagated to:'));
    // Innermost first, the way the error travelled; a message is shown where it changes.
    let previous = f.messages;
    for (const e of [...propagated].reverse()) {
      const fresh = e.messages.filter((m) => !previous.includes(m));
      lines.push(`    ${e.name}${fresh.length > 0 ? style.dim(` — ${fresh.join(' · ')}`) : ''}`);
      if (e.messages.length > 0) previous = e.messages;
    }
  }
  if (independent.length > 0) {
    lines.push('', style.bold('Other failures'));
    for (const e of independent)
      lines.push(`  ${MARK.error} ${e.service} › ${e.name}: ${e.messages[0] ?? 'ERROR status'}`);
  }
  lines.push('', style.bold('Compensations'));
  if (report.compensations.length === 0) lines.push(style.dim('  none recorded'));
  for (const c of report.compensations) {
    const undo = c.undoesStep ? `undid ${style.bold(c.undoesStep)}` : 'undid an unnamed step';
    const trigger = c.failedStep ? ` after ${c.failedStep} failed` : '';
    const head = c.succeeded ? style.green(`  ✓ ${c.name}`) : style.red(`  ${MARK.error} ${c.name}`);
    lines.push(`${head}  ${undo}${trigger}${c.succeeded ? '' : style.red(' — compensation FAILED')}`);
    if (!c.undoesSpanId)
      lines.push(style.yellow(`      ${MARK.orphan} the span of step ${c.undoesStep ?? '?'} is not in this trace`));
    for (const m of c.messages) lines.push(style.red(`      ${m}`));
  }
  for (const o of report.sagaOutcomes) {
    const saga = [o.sagaName, o.sagaId].filter(Boolean).join(' ');
    lines.push('', `${style.bold('Saga outcome')}${saga ? ` (${saga})` : ''}: ${o.outcome}`);
  }
  return [...lines, ...renderUncertainParents(report, style), ...renderAttempts(report, style)];
}
