import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { OutboxSpanExporter } from '../src/fetch-exporter';

const memory = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });

/** One invocation's batch: a single ended span called `name`. */
function batch(name: string): ReadableSpan[] {
  provider.getTracer('test').startSpan(name).end();
  const spans = memory.getFinishedSpans();
  memory.reset();
  return spans;
}

interface Post {
  at: number;
  names: string[];
}

function recordingExporter(delayMs: number): { exporter: OutboxSpanExporter; posts: Post[] } {
  const posts: Post[] = [];
  const exporter = new OutboxSpanExporter({
    url: 'http://collector.test/v1/traces',
    delayMs,
    fetch: async (_url, init) => {
      const body = new TextDecoder().decode(init.body as Uint8Array);
      posts.push({ at: Date.now(), names: [...body.matchAll(/"name":"(b\d)"/g)].map((m) => m[1] as string) });
      return new Response('{}');
    },
  });
  return { exporter, posts };
}

const after = (ms: number, fn: () => void) =>
  new Promise<void>((resolve) =>
    setTimeout(() => {
      fn();
      resolve();
    }, ms),
  );

describe('OutboxSpanExporter', () => {
  it('sends the batches of invocations ending within the delay in one request, none before it is due', async () => {
    const { exporter, posts } = recordingExporter(40);
    const waiting: Promise<void>[] = [];
    // Each "invocation" exports its batch, then waits under its own waitUntil with sendWhenDue.
    const invocation = (name: string) => {
      exporter.export(batch(name), () => {});
      waiting.push(exporter.sendWhenDue());
      return Date.now();
    };
    invocation('b1');
    // b3's invocation ends between b1's wake-up (which sends b1 and b2) and b2's: b2's must not
    // send b3 early; b3 and b4 (ending 20 ms later) are due together, 40 ms after b3.
    const third = after(40, () => invocation('b3'));
    invocation('b2');
    let b4At = 0;
    const fourth = after(60, () => {
      b4At = invocation('b4');
    });
    await Promise.all([third, fourth]);
    await Promise.all(waiting);

    expect(posts.map((p) => p.names)).toEqual([
      ['b1', 'b2'],
      ['b3', 'b4'],
    ]);
    expect(posts[1]?.at).toBeGreaterThan(b4At);
    expect(exporter.stats()).toMatchObject({ requestsSent: 2, requestsFailed: 0 });
  });

  it('retries a failed request once, then counts its spans as dropped, without throwing', async () => {
    const exporter = new OutboxSpanExporter({
      url: 'http://collector.test/v1/traces',
      delayMs: 0,
      fetch: () => Promise.reject(new Error('connection refused')),
      onWarning: () => {},
    });
    exporter.export([...batch('b1'), ...batch('b2')], () => {});
    await exporter.sendWhenDue();
    expect(exporter.stats()).toMatchObject({
      requestsSent: 0,
      requestsFailed: 2,
      requestsRetried: 1,
      spansSent: 0,
      spansDropped: 2,
    });
  });

  it('a collector that refuses once (busy, restarting) gets the same spans again, and keeps them', async () => {
    let calls = 0;
    const bodies: string[] = [];
    const exporter = new OutboxSpanExporter({
      url: 'http://collector.test/v1/traces',
      delayMs: 0,
      fetch: async (_url, init) => {
        calls += 1;
        bodies.push(new TextDecoder().decode(init.body as Uint8Array));
        return new Response('busy', { status: calls === 1 ? 503 : 200 });
      },
      onWarning: () => {},
    });
    exporter.export(batch('b1'), () => {});
    await exporter.sendWhenDue();
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toBe(bodies[0]);
    expect(exporter.stats()).toMatchObject({ requestsSent: 1, requestsFailed: 1, spansSent: 1, spansDropped: 0 });
  });

  it('counts the spans of a batch the full outbox could not take', () => {
    const exporter = new OutboxSpanExporter({
      url: 'http://collector.test/v1/traces',
      maxOutboxBytes: 10,
      onWarning: () => {},
    });
    let result: number | undefined;
    exporter.export(batch('b1'), (r) => {
      result = r.code;
    });
    expect(result).toBe(1);
    expect(exporter.stats()).toMatchObject({ batchesDroppedOutboxFull: 1, spansDropped: 1 });
  });
});
