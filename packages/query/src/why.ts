/**
 * "Why did this trace fail": the path from the root to the root-cause span, what the failing spans
 * said (status messages and recorded exceptions), and what the saga compensated — and whether each
 * compensation worked.
 *
 * @module
 */
import { formatDuration } from './format.ts';
import type { SpanNode, TraceGraph } from './graph.ts';
import type { Compensation } from './saga.ts';
import type { Style } from './style.ts';
import { MARK } from './waterfall.ts';

/** The explanation as data (what `--json` prints). */
export interface WhyReport {
  traceId: string;
  jaegerUrl: string;
  failed: boolean;
  failure?: { spanId: string; name: string; service: string; messages: string[]; atUs: number };
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
}

function ref(node: SpanNode) {
  return { spanId: node.span.spanId, name: node.span.name, service: node.span.service };
}

/** Builds the {@link WhyReport} of a trace. */
export function explainFailure(graph: TraceGraph, jaegerUrl: string): WhyReport {
  const failure = graph.firstFailure();
  const path = failure ? graph.pathTo(failure.span.spanId) : [];
  const onPath = new Set(path);
  const compensations = graph.compensations();
  const compensationNodes = new Set(compensations.map((c) => c.node));
  return {
    traceId: graph.traceId,
    jaegerUrl: `${jaegerUrl.replace(/\/+$/, '')}/trace/${graph.traceId}`,
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
  };
}

/** Renders a {@link WhyReport} for the terminal. */
export function renderWhy(report: WhyReport, style: Style): string[] {
  const lines: string[] = [];
  if (!report.failure) {
    lines.push(style.green(`✓ Trace ${report.traceId} has no failed spans.`), style.dim(report.jaegerUrl));
    return lines;
  }
  const f = report.failure;
  lines.push(
    style.red(style.bold(`${MARK.error} Trace ${report.traceId} failed at ${f.service} › ${f.name}`)) +
      style.dim(` (${formatDuration(f.atUs)} into the trace)`),
    style.dim(report.jaegerUrl),
    '',
    style.bold('Failure path'),
  );
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
  if (propagated.length > 0) lines.push(style.dim(`  propagated to: ${propagated.map((e) => e.name).join(' ← ')}`));
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
  return lines;
}
