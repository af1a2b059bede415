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
import type { ResolvedLink, SpanNode, TraceGraph } from './graph.ts';
import { jobAttempts, type LinkedTrace } from './linked.ts';
import { type ServiceTime, ServiceTimeTally } from './service-time.ts';
import type { Span } from './span.ts';
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
  // A job's later attempts can only be in linked traces: without any, there is nothing to look for.
  if (linked.length === 0) return { later, elsewhere: () => undefined };
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

/**
 * Tree prefixes (`├─ `, with 2-column `│ ` guides so deep trees keep room for names), handed out node
 * by node in pre-order: there a node's parent is the last node seen one level up, so what each level
 * hands down to its children is kept by depth.
 */
class TreePrefixes {
  readonly #roots: ReadonlySet<SpanNode>;
  readonly #guides: string[] = []; // by depth: what the last node seen at that depth hands its children

  constructor(roots: readonly SpanNode[]) {
    this.#roots = new Set(roots);
  }

  next(node: SpanNode): string {
    const parent = node.parent;
    if (!parent || this.#roots.has(node)) {
      this.#guides[node.depth] = '';
      return '';
    }
    const siblings = parent.children;
    const last = siblings[siblings.length - 1] === node;
    const inherited = this.#guides[node.depth - 1] ?? '';
    this.#guides[node.depth] = inherited + (last ? '  ' : '│ ');
    return inherited + (last ? '└─ ' : '├─ ');
  }
}

/** Column widths of the span lines, from the line width and the longest service name. */
interface Columns {
  service: number;
  name: number;
  duration: number;
  bar: number;
}

function columns(width: number, services: readonly string[]): Columns {
  const service = Math.min(24, Math.max(7, ...services.map((s) => s.length)));
  const duration = 9;
  const name = Math.floor((width - service - duration - 6) * 0.55);
  return { service, name, duration, bar: width - service - name - duration - 6 };
}

/** What every span line needs: computed once per render, not once per span. */
interface LineContext {
  graph: TraceGraph;
  style: Style;
  cols: Columns;
  t0: number;
  total: number;
  path: readonly CriticalSegment[];
  critical: ReadonlySet<SpanNode>;
  /**
   * Each service's column, fitted and coloured, and the colour of its bars (none without colour):
   * one per service, not one per line.
   */
  serviceCell: ReadonlyMap<string, { cell: string; colour: ((text: string) => string) | undefined }>;
  /** Blanks and bars as wide as the timeline, sliced for each line instead of built anew. */
  blank: string;
  criticalBar: string;
  bar: string;
  later: ReadonlyMap<string, string[]>;
  elsewhere: (traceId: string, spanId: string) => Span | undefined;
}

function lineContext(graph: TraceGraph, options: WaterfallOptions, style: Style): LineContext {
  const services = graph.services;
  const cols = columns(Math.max(80, options.width ?? 120), services);
  const serviceCell = new Map(
    services.map((s, i) => {
      const colour = style.enabled ? (text: string) => style.service(text, i) : undefined;
      const cell = fitMiddle(s, cols.service);
      return [s, { cell: colour ? colour(cell) : cell, colour }];
    }),
  );
  const path = graph.criticalPath();
  return {
    graph,
    style,
    cols,
    t0: graph.startUs,
    total: Math.max(1, graph.endUs - graph.startUs),
    path,
    critical: new Set(path.map((s) => s.node)),
    serviceCell,
    blank: ' '.repeat(cols.bar),
    criticalBar: '█'.repeat(cols.bar),
    bar: '▒'.repeat(cols.bar),
    ...linkedNotes(graph, options.linked ?? []),
  };
}

/** The two header lines (trace, summary; Jaeger link), a blank line and the column titles. */
function renderHeader(ctx: LineContext, jaegerUrl: string, times: readonly ServiceTime[]): string[] {
  const { graph, style, cols } = ctx;
  const services = graph.services.length;
  const errors = times.reduce((n, t) => n + t.errors, 0);
  const summary = [
    `${services} service${services === 1 ? '' : 's'}`,
    `${graph.size} span${graph.size === 1 ? '' : 's'}`,
    formatDuration(graph.durationUs),
    errors > 0 ? style.red(`${MARK.error} ${errors} error${errors === 1 ? '' : 's'}`) : 'no errors',
  ];
  if (graph.orphans.length > 0) summary.push(style.yellow(`${MARK.orphan} ${graph.orphans.length} orphaned`));
  return [
    `${style.bold(`Trace ${graph.traceId}`)}  ${summary.join(' · ')}`,
    style.dim(jaegerTraceUrl(graph.traceId, jaegerUrl)),
    '',
    style.dim(
      `${fit('service', cols.service)}  ${fit('span', cols.name)} ${'duration'.padStart(cols.duration)}  ${fit(`0 … ${formatDuration(ctx.total)}`, cols.bar)}`,
    ),
  ];
}

/** One span's line: service, tree and name, duration, and its bar on the timeline. */
function spanLine(node: SpanNode, prefix: string, ctx: LineContext): string {
  const { style, cols, t0, total } = ctx;
  const span = node.span;
  const failed = span.status.code === 'ERROR';
  const marks = `${failed ? ` ${MARK.error}` : ''}${node.orphan ? ` ${MARK.orphan}` : ''}`;
  const label = fit(prefix + span.name + marks, cols.name);
  const from = Math.min(Math.floor(((node.startUs - t0) / total) * cols.bar), cols.bar - 1);
  const len = Math.max(1, Math.round(((node.endUs - node.startUs) / total) * cols.bar));
  const glyphs = ctx.critical.has(node) ? ctx.criticalBar : ctx.bar;
  const bar = ctx.blank.slice(0, from) + glyphs.slice(0, Math.min(len, cols.bar - from));
  const service = ctx.serviceCell.get(span.service);
  const duration = formatDuration(node.endUs - node.startUs).padStart(cols.duration);
  const cell = service ? service.cell : fitMiddle(span.service, cols.service);
  if (!style.enabled) return `${cell}  ${label} ${duration}  ${bar}`;
  return `${cell}  ${failed ? style.red(label) : label} ${duration}  ${failed ? style.red(bar) : service?.colour ? service.colour(bar) : bar}`;
}

/** An error's messages, or `propagated from <child>` when it only repeats what a failed child said. */
function errorNotes(node: SpanNode, ctx: LineContext): string[] {
  const failedChildren = node.children.filter((c) => c.span.status.code === 'ERROR' && !c.orphan);
  const seen = new Set(failedChildren.flatMap((c) => ctx.graph.errorMessages(c)));
  const messages = ctx.graph.errorMessages(node).filter((m) => !seen.has(m));
  if (messages.length === 0 && failedChildren[0]) messages.push(`propagated from ${failedChildren[0].span.name}`);
  if (messages.length === 0) messages.push('ERROR status (no message)');
  return messages.slice(0, 2).map((message) => ctx.style.red(`${MARK.error} ${message}`));
}

/** Where each of a span's links points: a span of this trace, of a linked trace, or an id. */
function linkNotes(node: SpanNode, ctx: LineContext): string[] {
  const { graph, style } = ctx;
  return graph.linksOf(node).map((link: ResolvedLink) => {
    const far = link.to ? undefined : ctx.elsewhere(link.traceId, link.spanId);
    const target = link.to
      ? `${link.to.span.name} (${link.to.span.service})`
      : far
        ? `${far.name} (${far.service}) in trace ${link.traceId}`
        : `span ${link.spanId}${link.traceId !== graph.traceId ? ` in trace ${link.traceId}` : ' (not in trace)'}`;
    const why = link.reason ? `(${link.reason}) ` : '';
    return style.cyan(`${MARK.link} ${link.type ? `${link.type} ` : 'link '}${why}→ ${target}`);
  });
}

/**
 * The notes under a span: errors, a missing parent, a clock-skew correction, links, later attempts.
 * Most spans have none; `ownSkewUs` is the correction that starts at this span.
 */
function spanNotes(node: SpanNode, ownSkewUs: number, ctx: LineContext): string[] {
  const { style } = ctx;
  const span = node.span;
  const notes = span.status.code === 'ERROR' ? errorNotes(node, ctx) : [];
  if (node.orphan)
    notes.push(style.yellow(`${MARK.orphan} orphan: parent ${span.parentSpanId ?? '?'} is not in the trace`));
  if (Math.abs(ownSkewUs) >= SKEW_NOTE_MIN_US)
    notes.push(style.dim(`${MARK.skew} clock skew corrected by ${formatDuration(ownSkewUs)}`));
  if (span.links.length > 0) notes.push(...linkNotes(node, ctx));
  for (const line of ctx.later.get(span.spanId) ?? []) notes.push(style.cyan(`${MARK.link} ${line}`));
  return notes;
}

/**
 * Renders the waterfall as lines of text: header, one line per span with its notes, time per service,
 * critical path. The span lines, tree prefixes and time per service come from one walk over the
 * spans: on a big trace each walk costs a fresh process more for reaching every span in memory than
 * for the work it does there.
 */
export function renderWaterfall(graph: TraceGraph, options: WaterfallOptions): string[] {
  const style = createStyle(options.color ?? false);
  const ctx = lineContext(graph, options, style);
  const body: string[] = [];
  const indent = ' '.repeat(ctx.cols.service + 3);
  const tree = new TreePrefixes(graph.roots);
  const tally = new ServiceTimeTally();
  const { later } = ctx;
  const ordered = graph.ordered;
  for (let i = 0; i < ordered.length; i++) {
    const node = ordered[i]!;
    const prefix = tree.next(node);
    tally.add(node);
    body.push(spanLine(node, prefix, ctx));
    // Checked here, so that the many spans without notes cost no call and no array. A skew
    // correction is noted once, where it starts (descendants move with it), and only when larger
    // than clock resolution and jitter: workerd reports times in whole milliseconds.
    const span = node.span;
    const ownSkewUs = node.skewUs - (node.parent ? node.parent.skewUs : 0);
    const noted =
      span.status.code === 'ERROR' ||
      node.orphan ||
      Math.abs(ownSkewUs) >= SKEW_NOTE_MIN_US ||
      span.links.length > 0 ||
      (later.size > 0 && later.has(span.spanId));
    if (!noted) continue;
    const notes = spanNotes(node, ownSkewUs, ctx);
    const noteIndent = `${indent}${' '.repeat(Math.min(ctx.cols.name - 2, prefix.length + 3))}`;
    for (const note of notes) body.push(`${noteIndent}${note}`);
  }
  const times = tally.result();
  const width = Math.max(80, options.width ?? 120);
  const lines = renderHeader(ctx, options.jaegerUrl, times);
  for (let i = 0; i < body.length; i++) lines.push(body[i]!);
  lines.push('', ...renderServiceTimes(times, style), '', ...renderCriticalPath(ctx.path, style, width));
  return lines;
}

function renderServiceTimes(times: readonly ServiceTime[], style: Style): string[] {
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
