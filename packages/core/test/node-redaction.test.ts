import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';
import { createNodeTracing } from '../src/node';
import { REDACTED } from '../src/sdk';

type Attribute = { key: string; value: { stringValue?: string } };
type Sent = { attributes: Attribute[]; events: Array<{ attributes: Attribute[] }> };

/** A collector on a free port that keeps each request's JSON body and answers 200. */
async function collector() {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString()));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/traces`, bodies, close: () => new Promise((r) => server.close(r)) };
}

it('createNodeTracing sends span and event attributes redacted on the wire, redacting the ended span itself', async () => {
  const server = await collector();
  const tracing = createNodeTracing({
    serviceName: 'redacting',
    register: false,
    tracesEndpoint: server.url,
    batch: { scheduledDelayMs: 5 },
  });
  const span = tracing.tracer.startSpan('login', {
    attributes: { 'http.request.header.authorization': 'Bearer sekrit-token-123', 'user.id': 'u-1' },
  });
  span.addEvent('retry', { reason: 'Bearer sekrit-token-123 expired' });
  span.end();
  await tracing.forceFlush();
  await tracing.shutdown();
  await server.close();

  expect(JSON.stringify(server.bodies)).not.toContain('sekrit-token-123');
  const body = server.bodies[0] as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Sent[] }> }> };
  const sent = body.resourceSpans[0]?.scopeSpans[0]?.spans[0];
  const value = (list: Attribute[] | undefined, key: string) => list?.find((a) => a.key === key)?.value.stringValue;
  expect(value(sent?.attributes, 'http.request.header.authorization')).toBe(REDACTED);
  expect(value(sent?.attributes, 'user.id')).toBe('u-1');
  expect(value(sent?.events[0]?.attributes, 'reason')).toBe(`Bearer ${REDACTED} expired`);
  expect((span as unknown as ReadableSpan).attributes['http.request.header.authorization']).toBe(REDACTED);
});
