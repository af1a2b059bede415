/**
 * Runs one `wideline` command: parse, query Jaeger, print. Returns the exit code instead of exiting,
 * so tests and other tools can call it in-process.
 *
 * @example
 * const code = await runCli(['why', traceId, '--no-color'], { stdout: process.stdout, stderr: process.stderr });
 * @module
 */
import { type CliEnvironment, type Command, type GlobalOptions, parseCommandLine } from './args.ts';
import { UsageError, WidelineQueryError } from './errors.ts';
import { TraceGraph } from './graph.ts';
import { HELP } from './help.ts';
import { JaegerClient } from './jaeger-client.ts';
import { followLinks, jobAttempts, type LinkedTrace } from './linked.ts';
import { createStyle } from './style.ts';
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
    return (await execute(command, options, out, io)) ?? 0;
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
): Promise<number | undefined> {
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
      const linked = command.follow ? await followLinks(jaeger, graph) : [];
      const t2 = performance.now();
      const lines = options.json
        ? [JSON.stringify(traceJson(graph, jaeger, fetched.api, linked), null, 2)]
        : renderWaterfall(graph, { color: style.enabled, width: options.width, jaegerUrl: jaeger.url, linked });
      if (!options.json && fetched.api === 'legacy')
        lines.push('', style.dim('(read through the legacy /api: link attributes are not available)'));
      const t3 = performance.now();
      out(lines);
      if (command.timings) {
        const { httpMs, parseMs, convertMs } = fetched.timings ?? { httpMs: t1 - t0, parseMs: 0, convertMs: 0 };
        const ms = (x: number) => `${x.toFixed(1)} ms`;
        io.stderr.write(
          `timings: start-up ${ms(t0)} · http ${ms(httpMs)} · parse ${ms(parseMs)} · spans ${ms(convertMs)} · graph ${ms(t2 - t1)} · render ${ms(t3 - t2)} · output ${ms(performance.now() - t3)} · total ${ms(performance.now())} (${graph.size} spans) · process cpu ${cpuMs().toFixed(0)} ms\n`,
        );
      }
      return;
    }
    case 'why': {
      const fetched = await jaeger.getTrace(command.traceId);
      const graph = TraceGraph.fromSpans(fetched.spans);
      const linked = command.follow ? await followLinks(jaeger, graph) : [];
      const report = explainFailure(graph, jaeger.url, linked);
      out(options.json ? [JSON.stringify(report, null, 2)] : renderWhy(report, { color: style.enabled }));
      return;
    }
    case 'find': {
      const { findCommand } = await import('./commands/find.ts');
      await findCommand(command, await modelContext(options, out, io));
      return;
    }
    case 'stats': {
      const { statsCommand } = await import('./commands/stats.ts');
      await statsCommand(command, await modelContext(options, out, io));
      return;
    }
    case 'model':
      return runModelCommand(command, await modelContext(options, out, io));
  }
}

async function modelContext(options: GlobalOptions, out: (lines: string[]) => void, io: CliIo) {
  const { commandContext } = await import('./commands/output.ts');
  return commandContext(options, out, io.env ?? process.env);
}

/** Loads the command's module only when it runs, so `trace` and `why` never load the query engine. */
async function runModelCommand(
  command: Extract<Command, { name: 'model' }>,
  ctx: Awaited<ReturnType<typeof modelContext>>,
): Promise<number | undefined> {
  const { values, positionals } = command;
  if (command.verb !== 'sql' && command.verb !== 'check' && positionals.length > 0)
    throw new UsageError(`wideline ${command.verb} takes no positional arguments (got "${positionals[0]}")`);
  switch (command.verb) {
    case 'query':
      await (await import('./commands/query.ts')).queryCommand(values, ctx);
      return undefined;
    case 'events':
      await (await import('./commands/events.ts')).eventsCommand(values, ctx);
      return undefined;
    case 'sql':
      await (await import('./commands/sql.ts')).sqlCommand(values, positionals, ctx);
      return undefined;
    case 'heatmap':
      await (await import('./commands/heatmap.ts')).heatmapCommand(values, ctx);
      return undefined;
    case 'compare':
      await (await import('./commands/compare.ts')).compareCommand(values, ctx);
      return undefined;
    case 'regress':
      return (await import('./commands/regress.ts')).regressCommand(values, ctx);
    case 'check':
      return (await import('./commands/check.ts')).checkCommand(values, positionals, ctx);
  }
}

/** CPU time this process has used so far (user + system), including Node's own start-up. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function traceJson(graph: TraceGraph, jaeger: JaegerClient, api: string, linked: readonly LinkedTrace[]) {
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
    linkedTraces: linked.map((l) => ({
      traceId: l.graph.traceId,
      relation: l.relation,
      jaegerUrl: jaeger.uiUrl(l.graph.traceId),
    })),
    jobAttempts: jobAttempts(graph, linked),
  };
}
