/**
 * Reads the journey back: traces from Jaeger through `@wideline/query` (the graph the `wideline` CLI
 * uses), and Sentry events from Spotlight's `/stream` (server-sent events, replayed from its buffer).
 */
import { JaegerClient, TraceGraph, TraceNotFoundError } from '@wideline/query';

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

function eventsIn(data: string): SentryEvent[] {
  try {
    // Spotlight relays each envelope as JSON: [header, [[itemHeader, payload], …]].
    const [, items] = JSON.parse(data) as [unknown, Array<[{ type?: string }, unknown]>];
    return items.filter(([header]) => header?.type === 'event').map(([, payload]) => payload as SentryEvent);
  } catch {
    return [];
  }
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
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(`${spotlightUrl}/stream`, {
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
    });
    if (!response.ok || !response.body) throw new Error(`Spotlight /stream answered ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = message
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        for (const event of eventsIn(data)) if (match(event)) found.push(event);
        if (enough(found)) return found;
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
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
  ];
}
