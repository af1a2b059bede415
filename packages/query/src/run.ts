/**
 * Runs one `wideline` command: parse, query Jaeger, print. Returns the exit code instead of exiting,
 * so tests and other tools can call it in-process.
 *
 * @example
 * const code = await runCli(['why', traceId, '--no-color'], { stdout: process.stdout, stderr: process.stderr });
 * @module
 */
import { type CliEnvironment, type Command, type GlobalOptions, parseCommandLine } from './args.ts';
import { WidelineQueryError } from './errors.ts';
import { findTraces } from './find.ts';
import { formatDuration } from './format.ts';
import { TraceGraph } from './graph.ts';
import { HELP } from './help.ts';
import { JaegerClient } from './jaeger-client.ts';
import type { Span } from './span.ts';
import { computeStats } from './stats.ts';
import { createStyle, type Style } from './style.ts';
import { renderWaterfall } from './waterfall.ts';
import { explainFailure, renderWhy } from './why.ts';

/** Where the CLI writes, and what it knows of its environment. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown };
  env?: Record<string, string | undefined>;
}

const VERSION = '0.1.0';

/** Runs the CLI with `argv` (no `node`/script prefix) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const environment: CliEnvironment = {
    env: io.env ?? process.env,
    isTTY: io.stdout.isTTY === true,
    columns: io.stdout.columns,
  };
  try {
    const { command, options } = parseCommandLine(argv, environment);
    const out = (lines: string[]) => io.stdout.write(`${lines.join('\n')}\n`);
    await execute(command, options, out, io);
    return 0;
  } catch (error) {
    if (error instanceof WidelineQueryError) {
      io.stderr.write(`wideline: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr.write(
      `wideline: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

async function execute(
  command: Command,
  options: GlobalOptions,
  out: (lines: string[]) => void,
  io: CliIo,
): Promise<void> {
  const style = createStyle(options.color);
  const jaeger = new JaegerClient({ url: options.jaegerUrl });
  switch (command.name) {
    case 'help':
      out([HELP[command.topic ?? 'overview'] ?? HELP.overview!]);
      return;
    case 'version':
      out([VERSION]);
      return;
    case 'trace': {
      const t0 = performance.now();
      const fetched = await jaeger.getTrace(command.traceId);
      const t1 = performance.now();
      const graph = TraceGraph.fromSpans(fetched.spans);
      const t2 = performance.now();
      const lines = options.json
        ? [JSON.stringify(traceJson(graph, jaeger, fetched.api), null, 2)]
        : renderWaterfall(graph, { style, width: options.width, jaegerUrl: jaeger.url });
      if (!options.json && fetched.api === 'legacy')
        lines.push('', style.dim('(read through the legacy /api: link attributes are not available)'));
      const t3 = performance.now();
      out(lines);
      if (command.timings) {
        const ms = (a: number, b: number) => `${(b - a).toFixed(1)} ms`;
        io.stderr.write(
          `timings: fetch ${ms(t0, t1)} · graph ${ms(t1, t2)} · render ${ms(t2, t3)} · total ${ms(t0, t3)} (${graph.size} spans) · process cpu ${cpuMs().toFixed(0)} ms\n`,
        );
      }
      return;
    }
    case 'why': {
      const fetched = await jaeger.getTrace(command.traceId);
      const report = explainFailure(TraceGraph.fromSpans(fetched.spans), jaeger.url);
      out(options.json ? [JSON.stringify(report, null, 2)] : renderWhy(report, style));
      return;
    }
    case 'find': {
      const traces = await recentTraces(jaeger, command);
      const found = findTraces(traces, {
        service: command.service,
        where: command.where,
        errorsOnly: command.errorsOnly,
        limit: command.limit,
      });
      if (options.json) out([JSON.stringify(found, null, 2)]);
      else out(renderFindTable(found, traces.size, command, style));
      return;
    }
    case 'stats': {
      const traces = await recentTraces(jaeger, command);
      const groups = computeStats(traces.values(), command);
      if (options.json)
        out([
          JSON.stringify({ service: command.service, by: command.by ?? null, traces: traces.size, groups }, null, 2),
        ]);
      else out(renderStatsTable(groups, traces.size, command, style));
      return;
    }
  }
}

/** CPU time this process has used so far (user + system), including Node's own start-up. */
/**
 * The service's traces that started within `--since` (and up to a minute ahead, for clock skew),
 * at most `--depth` of them: Jaeger's v3 search cannot filter by attributes, so `find` and `stats`
 * filter what this returns.
 */
async function recentTraces(
  jaeger: JaegerClient,
  command: { service: string; sinceUs: number; depth: number },
): Promise<Map<string, Span[]>> {
  const now = Date.now() * 1000;
  const { traces } = await jaeger.searchTraces({
    service: command.service,
    startMinUs: now - command.sinceUs,
    startMaxUs: now + 60e6,
    limit: command.depth,
  });
  return traces;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function traceJson(graph: TraceGraph, jaeger: JaegerClient, api: string) {
  const t0 = graph.startUs;
  return {
    traceId: graph.traceId,
    jaegerUrl: jaeger.uiUrl(graph.traceId),
    api,
    startUs: t0,
    durationUs: graph.durationUs,
    services: graph.services,
    spans: graph.ordered.map((n) => ({
      spanId: n.span.spanId,
      parentSpanId: n.span.parentSpanId ?? null,
      name: n.span.name,
      service: n.span.service,
      kind: n.span.kind,
      depth: n.depth,
      offsetUs: n.startUs - t0,
      durationUs: n.endUs - n.startUs,
      status: n.span.status,
      orphan: n.orphan,
      skewUs: n.skewUs,
      links: n.span.links,
    })),
    firstFailure: graph.firstFailure()?.span.spanId ?? null,
    criticalPath: graph.criticalPath().map((s) => ({
      spanId: s.node.span.spanId,
      name: s.node.span.name,
      startUs: s.startUs - t0,
      endUs: s.endUs - t0,
    })),
    serviceTimes: graph.serviceTimes(),
  };
}

/** Left-aligned text columns, widths from the content. */
function table(rows: string[][], style: Style): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r, ri) => {
    const line = r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
    return ri === 0 ? style.dim(line) : line;
  });
}

function renderFindTable(
  found: ReturnType<typeof findTraces>,
  scanned: number,
  command: Extract<Command, { name: 'find' }>,
  style: Style,
): string[] {
  const filters = command.where.map((w) => `${w.key}${w.op}${w.value}`);
  const head = `${found.length} trace${found.length === 1 ? '' : 's'} of ${command.service} in the last ${command.since}${filters.length > 0 ? ` matching ${filters.join(' and ')}` : ''}${command.errorsOnly ? ' with errors' : ''} (${scanned} scanned)`;
  if (found.length === 0) return [head];
  const rows = [['TRACE ID', 'STARTED', 'DURATION', 'SPANS', 'ERRORS', 'ROOT']];
  for (const t of found) {
    rows.push([
      t.traceId,
      new Date(t.startUs / 1000).toISOString().replace('T', ' ').slice(0, 23),
      formatDuration(t.durationUs),
      String(t.spans),
      t.errors > 0 ? `✗ ${t.errors}` : '-',
      `${t.rootService}: ${t.rootName}`,
    ]);
  }
  return [head, '', ...table(rows, style)];
}

function renderStatsTable(
  groups: ReturnType<typeof computeStats>,
  scanned: number,
  command: Extract<Command, { name: 'stats' }>,
  style: Style,
): string[] {
  const events = groups.reduce((s, g) => s + g.count, 0);
  const head = `${command.service} wide events in the last ${command.since}${command.by ? ` by ${command.by}` : ''}: ${events} events from ${scanned} traces`;
  if (groups.length === 0) return [head];
  const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  const rows = [[command.by ?? 'group', 'EVENTS', 'WEIGHTED', 'ERRORS', ...command.percentiles.map((p) => `P${p}`)]];
  for (const g of groups) {
    rows.push([
      g.key,
      String(g.count),
      num(g.weightedCount),
      num(g.weightedErrors),
      ...command.percentiles.map((p) => formatDuration(g.percentiles[`p${p}`]!)),
    ]);
  }
  return [
    head,
    style.dim(
      'weighted = events the sampled ones stand for (sum of wideline.sample_rate); percentiles weighted the same way',
    ),
    '',
    ...table(rows, style),
  ];
}
