/**
 * Reads the journey back: traces from Jaeger through `@wideline/query` (the graph the `wideline` CLI
 * uses), and Sentry events from Spotlight through @wideline/testkit.
 */
import { JaegerClient, TraceGraph, TraceNotFoundError } from '@wideline/query';
import { readEnvelopes } from '@wideline/testkit';

/** Polls Jaeger until the trace satisfies `complete` and its span count has stopped growing. */
export async function waitForTraceGraph(
  jaegerQueryUrl: string,
  traceId: string,
  complete: (graph: TraceGraph) => boolean,
  timeoutMs = 30_000,
): Promise<TraceGraph> {
  const client = new JaegerClient({ url: jaegerQueryUrl });
  const deadline = Date.now() + timeoutMs;
  let last: TraceGraph | undefined;
  let previousSize = -1;
  while (Date.now() < deadline) {
    try {
      const graph = TraceGraph.fromSpans((await client.getTrace(traceId)).spans);
      if (complete(graph) && graph.size === previousSize) return graph;
      previousSize = graph.size;
      last = graph;
    } catch (error) {
      if (!(error instanceof TraceNotFoundError)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
  const seen = last
    ? `${last.size} spans from ${[...new Set(last.ordered.map((n) => n.span.service))].join(', ')}`
    : 'nothing';
  throw new Error(`trace ${traceId} was not complete in Jaeger after ${timeoutMs} ms (saw ${seen})`);
}

/** The services a trace touches. */
export function servicesOf(graph: TraceGraph): Set<string> {
  return new Set(graph.ordered.map((node) => node.span.service));
}

/** A Sentry event as Spotlight relays it (the parts shown here). */
export interface SentryEvent {
  event_id?: string;
  platform?: string;
  sdk?: { name?: string };
  tags?: Record<string, unknown>;
  contexts?: Record<string, Record<string, unknown> | undefined>;
  exception?: { values?: Array<{ type?: string; value?: string }> };
}

/**
 * Collects Sentry events from Spotlight until `enough` accepts the list of those `match` accepts,
 * or the timeout passes (then it returns what it has).
 */
export async function collectSentryEvents(
  spotlightUrl: string,
  match: (event: SentryEvent) => boolean,
  enough: (events: SentryEvent[]) => boolean,
  timeoutMs = 15_000,
): Promise<SentryEvent[]> {
  const found: SentryEvent[] = [];
  await readEnvelopes(
    (envelope) => {
      for (const item of envelope.items) {
        if (item.header.type === 'event' && match(item.payload as SentryEvent)) found.push(item.payload as SentryEvent);
      }
      return enough(found);
    },
    { url: spotlightUrl, timeoutMs },
  );
  return found;
}

/** One line per event: who sent it, what it says, and which trace it belongs to. */
export function describeEvent(event: SentryEvent): string[] {
  const exception = event.exception?.values?.at(-1);
  const otel = event.contexts?.otel;
  return [
    `${event.sdk?.name ?? event.platform ?? 'sentry'}  ${exception?.type ?? 'Error'}: ${exception?.value ?? ''}`,
    `    trace_id ${String(event.contexts?.trace?.trace_id ?? '')}  span_id ${String(event.contexts?.trace?.span_id ?? '')}`,
    ...(otel?.jaeger_url ? [`    ${String(otel.jaeger_url)}`] : []),
    ...(otel?.origin_trace_id
      ? [`    a retry of a job from trace ${String(otel.origin_trace_id)}  ${String(otel.origin_jaeger_url ?? '')}`]
      : []),
  ];
}
