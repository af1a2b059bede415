/**
 * The terminal waterfall of a trace: one line per span with its service, a tree of names, its duration
 * and a bar on the trace's timeline; errors, orphans, clock-skew corrections and links marked under it;
 * then time per service and the critical path.
 *
 * @module
 */

import { jaegerTraceUrl } from '@wideline/core/conventions';
import type { CriticalSegment } from './critical-path.ts';
import { formatDuration } from './format.ts';
import type { SpanNode, TraceGraph } from './graph.ts';
import { jobAttempts, type LinkedTrace } from './linked.ts';
import { createStyle, type Style } from './style.ts';

/** Options for {@link renderWaterfall}. */
export interface WaterfallOptions {
  /** ANSI colours (every coloured mark also has a symbol). Default false. */
  color?: boolean;
  /** Total line width. Default 120. */
  width?: number;
  /** Jaeger base URL for the UI link. */
  jaegerUrl: string;
  /** Linked traces read for this one ({@link followLinks}): names cross-trace link targets, lists later attempts. */
  linked?: readonly LinkedTrace[];
}

/** Notes for spans whose job ran again elsewhere, and a lookup of spans in the linked traces. */
function linkedNotes(graph: TraceGraph, linked: readonly LinkedTrace[]) {
  const later = new Map<string, string[]>();
  for (const job of jobAttempts(graph, linked)) {
    const here = job.attempts.filter((a) => a.traceId === graph.traceId).at(-1);
    if (!here) continue;
    later.set(
      here.spanId,
      job.attempts
        .filter((a) => a.traceId !== graph.traceId && a.startUs >= here.startUs)
        .map((a) => {
          const of =
            a.attempt !== undefined ? `attempt ${a.attempt}${a.maxAttempts ? ` of ${a.maxAttempts}` : ''}` : 'attempt';
          return `${of} ${a.failed ? 'failed' : (a.outcome ?? 'ended')} → trace ${a.traceId}`;
        }),
    );
  }
  const elsewhere = (traceId: string, spanId: string) =>
    linked.find((l) => l.graph.traceId === traceId)?.graph.get(spanId)?.span;
  return { later, elsewhere };
}

/** Symbols used in the waterfall (also the legend). */
/** Skew corrections smaller than this are applied but not noted. */
const SKEW_NOTE_MIN_US = 2000;

export const MARK = { error: '✗', orphan: '⚠', critical: '◆', link: '↪', skew: '⏱' } as const;

function fit(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width);
  return `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Service names often share a prefix (`shop-…`): keep both ends so they stay distinguishable. */
function fitMiddle(text: string, width: number): string {
  if (text.length <= width) return text.padEnd(width);
  const head = Math.ceil((width - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (width - 1 - head))}`;
}

/** Tree prefixes (`├─ `, with 2-column `│ ` guides so deep trees keep room for names) for every node, computed in one pass over the pre-order list. */
function treePrefixes(graph: TraceGraph): Map<SpanNode, string> {
  const prefixes = new Map<SpanNode, string>();
  const guides = new Map<SpanNode, string>(); // what this node's children inherit
  for (const node of graph.ordered) {
    const parent = node.parent;
    if (!parent || graph.roots.includes(node)) {
      prefixes.set(node, '');
      guides.set(node, '');
      continue;
    }
    const siblings = parent.children;
    const last = siblings[siblings.length - 1] === node;
    const inherited = guides.get(parent) ?? '';
    prefixes.set(node, `${inherited}${last ? '└─ ' : '├─ '}`);
    guides.set(node, `${inherited}${last ? '  ' : '│ '}`);
  }
  return prefixes;
}

/** Renders the waterfall as lines of text. */
export function renderWaterfall(graph: TraceGraph, options: WaterfallOptions): string[] {
  const style = createStyle(options.color ?? false);
  const width = Math.max(80, options.width ?? 120);
  const services = graph.services;
  const serviceIndex = new Map(services.map((s, i) => [s, i]));
  const serviceWidth = Math.min(24, Math.max(7, ...services.map((s) => s.length)));
  const durationWidth = 9;
  const nameWidth = Math.floor((width - serviceWidth - durationWidth - 6) * 0.55);
  const barWidth = width - serviceWidth - nameWidth - durationWidth - 6;
  const t0 = graph.startUs;
  const total = Math.max(1, graph.endUs - t0);
  const path = graph.criticalPath();
  const critical = new Set(path.map((s) => s.node));
  const prefixes = treePrefixes(graph);
  const errors = graph.errors();
  const { later, elsewhere } = linkedNotes(graph, options.linked ?? []);
  const linksByFrom = new Map<SpanNode, ReturnType<TraceGraph['links']>>();
  for (const link of graph.links()) {
    const list = linksByFrom.get(link.from) ?? [];
    list.push(link);
    linksByFrom.set(link.from, list);
  }

  const lines: string[] = [];
  const head = `Trace ${graph.traceId}`;
  const summary = [
    `${services.length} service${services.length === 1 ? '' : 's'}`,
    `${graph.size} span${graph.size === 1 ? '' : 's'}`,
    formatDuration(graph.durationUs),
    errors.length > 0
      ? style.red(`${MARK.error} ${errors.length} error${errors.length === 1 ? '' : 's'}`)
      : 'no errors',
  ];
  if (graph.orphans.length > 0) summary.push(style.yellow(`${MARK.orphan} ${graph.orphans.length} orphaned`));
  lines.push(`${style.bold(head)}  ${summary.join(' · ')}`);
  lines.push(style.dim(jaegerTraceUrl(graph.traceId, options.jaegerUrl)));
  lines.push('');
  const indent = ' '.repeat(serviceWidth + 3);
  lines.push(
    style.dim(
      `${fit('service', serviceWidth)}  ${fit('span', nameWidth)} ${'duration'.padStart(durationWidth)}  ${fit(`0 … ${formatDuration(total)}`, barWidth)}`,
    ),
  );

  for (const node of graph.ordered) {
    const span = node.span;
    const failed = span.status.code === 'ERROR';
    const marks = `${failed ? ` ${MARK.error}` : ''}${node.orphan ? ` ${MARK.orphan}` : ''}`;
    const label = fit(`${prefixes.get(node)}${span.name}${marks}`, nameWidth);
    const from = Math.floor(((node.startUs - t0) / total) * barWidth);
    const len = Math.max(1, Math.round(((node.endUs - node.startUs) / total) * barWidth));
    const barLen = Math.min(len, barWidth - Math.min(from, barWidth - 1));
    const bar = `${' '.repeat(Math.min(from, barWidth - 1))}${(critical.has(node) ? '█' : '▒').repeat(barLen)}`;
    const colorBar = failed ? style.red(bar) : style.service(bar, serviceIndex.get(span.service) ?? 0);
    const service = style.service(fitMiddle(span.service, serviceWidth), serviceIndex.get(span.service) ?? 0);
    const duration = formatDuration(node.endUs - node.startUs).padStart(durationWidth);
    lines.push(`${service}  ${failed ? style.red(label) : label} ${duration}  ${colorBar}`);
    const notes: string[] = [];
    if (failed) {
      // An error that only repeats what a failed child said is shown as propagated, not again.
      const failedChildren = node.children.filter((c) => c.span.status.code === 'ERROR' && !c.orphan);
      const seen = new Set(failedChildren.flatMap((c) => graph.errorMessages(c)));
      const messages = graph.errorMessages(node).filter((m) => !seen.has(m));
      if (messages.length === 0 && failedChildren[0]) messages.push(`propagated from ${failedChildren[0].span.name}`);
      if (messages.length === 0) messages.push('ERROR status (no message)');
      for (const message of messages.slice(0, 2)) notes.push(style.red(`${MARK.error} ${message}`));
    }
    if (node.orphan)
      notes.push(style.yellow(`${MARK.orphan} orphan: parent ${span.parentSpanId ?? '?'} is not in the trace`));
    // Noted once, where a correction starts (descendants move with it), and only when larger than
    // clock resolution and jitter: workerd reports times in whole milliseconds.
    const ownSkewUs = node.skewUs - (node.parent?.skewUs ?? 0);
    if (Math.abs(ownSkewUs) >= SKEW_NOTE_MIN_US) {
      notes.push(style.dim(`${MARK.skew} clock skew corrected by ${formatDuration(ownSkewUs)}`));
    }
    for (const link of linksByFrom.get(node) ?? []) {
      const far = link.to ? undefined : elsewhere(link.traceId, link.spanId);
      const target = link.to
        ? `${link.to.span.name} (${link.to.span.service})`
        : far
          ? `${far.name} (${far.service}) in trace ${link.traceId}`
          : `span ${link.spanId}${link.traceId !== graph.traceId ? ` in trace ${link.traceId}` : ' (not in trace)'}`;
      const why = link.reason ? `(${link.reason}) ` : '';
      notes.push(style.cyan(`${MARK.link} ${link.type ? `${link.type} ` : 'link '}${why}→ ${target}`));
    }
    for (const line of later.get(span.spanId) ?? []) notes.push(style.cyan(`${MARK.link} ${line}`));
    const noteIndent = `${indent}${' '.repeat(Math.min(nameWidth - 2, (prefixes.get(node) ?? '').length + 3))}`;
    for (const note of notes) lines.push(`${noteIndent}${note}`);
  }
  lines.push('', ...renderServiceTimes(graph, style), '', ...renderCriticalPath(path, style, width));
  return lines;
}

function renderServiceTimes(graph: TraceGraph, style: Style): string[] {
  const times = graph.serviceTimes();
  const busy = times.reduce((s, t) => s + t.selfUs, 0) || 1;
  const width = Math.max(...times.map((t) => t.service.length));
  const lines = [style.bold('Time per service (self time)')];
  for (const t of times) {
    const share = t.selfUs / busy;
    const bar = '█'.repeat(Math.max(share > 0 ? 1 : 0, Math.round(share * 30)));
    const errors = t.errors > 0 ? style.red(`, ${t.errors} ${MARK.error}`) : '';
    lines.push(
      `  ${t.service.padEnd(width)}  ${formatDuration(t.selfUs).padStart(9)}  ${`${(share * 100).toFixed(0)}%`.padStart(4)}  ${bar}  ${style.dim(`${t.spans} span${t.spans === 1 ? '' : 's'}`)}${errors}`,
    );
  }
  return lines;
}

function renderCriticalPath(path: readonly CriticalSegment[], style: Style, width: number, max = 12): string[] {
  const byNode = new Map<SpanNode, number>();
  for (const seg of path) byNode.set(seg.node, (byNode.get(seg.node) ?? 0) + seg.endUs - seg.startUs);
  const steps = [...byNode.entries()];
  const pieces = steps.slice(0, max).map(([node, us], i) => {
    const arrow = i === 0 ? '' : ' → ';
    const detail = `(${node.span.service}) ${formatDuration(us)}`;
    return { plain: `${arrow}${node.span.name} ${detail}`, styled: `${arrow}${node.span.name} ${style.dim(detail)}` };
  });
  if (steps.length > max) {
    const more = ` → … ${steps.length - max} more`;
    pieces.push({ plain: more, styled: style.dim(more) });
  }
  const lines = [style.bold(`Critical path ${MARK.critical} (█ in the timeline)`)];
  // Wrap between steps, measuring plain text so colour codes do not count towards the width.
  let plain = ' ';
  let styled = ' ';
  for (const piece of pieces) {
    if (plain.length + piece.plain.length + 1 > width && plain.trim() !== '') {
      lines.push(styled);
      plain = '   ';
      styled = '   ';
    }
    plain += piece.plain;
    styled += piece.styled;
  }
  lines.push(styled);
  return lines.map((l, i) => (i === 0 ? l : ` ${l}`));
}
