import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OtlpHttpExporter } from '../src/node';

interface Received {
  method: string | undefined;
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A collector on a free port that records each request and answers with the next status (then 200). */
async function collector(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      received.push({ method: req.method, path: req.url, headers: req.headers, body: JSON.parse(body.toString()) });
      res.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(r)) };
}

function exportWith(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** What a collector can tell two requests apart by: everything but the connection-level headers. */
function comparable({ method, path, headers, body }: Received) {
  const { host, connection, 'content-length': _length, ...rest } = headers;
  return { method, path, headers: rest, body };
}

let spans: ReadableSpan[];
beforeAll(() => {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t', '1');
  const span = tracer.startSpan('GET /orders/:id', { kind: SpanKind.SERVER, attributes: { 'http.route': '/x' } });
  span.addEvent('cache miss', { 'cache.key': 'k' });
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  span.end();
  spans = memory.getFinishedSpans() as ReadableSpan[];
});

const ENV = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_COMPRESSION',
];
afterEach(() => {
  for (const name of ENV) delete process.env[name];
});

/** The requests that OpenTelemetry's OTLPTraceExporter and ours send for the same spans and setup. */
async function bothSend(setup: (base: string) => { options?: ConstructorParameters<typeof OtlpHttpExporter>[0] }) {
  const server = await collector();
  try {
    const sent: Received[] = [];
    for (const Exporter of [OTLPTraceExporter, OtlpHttpExporter]) {
      const exporter = new Exporter(setup(server.base).options);
      expect(await exportWith(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });
      await exporter.shutdown();
      sent.push(server.received.shift() as Received);
    }
    return sent as [Received, Received];
  } finally {
    await server.close();
  }
}

describe('OtlpHttpExporter sends what OTLPTraceExporter sends', () => {
  it('with url, headers and timeout given as options', async () => {
    const [reference, ours] = await bothSend((base) => ({
      options: { url: `${base}/custom/traces`, headers: { 'x-api-key': 'k1' }, timeoutMillis: 2000 },
    }));
    expect(ours.path).toBe('/custom/traces');
    expect(ours.headers['x-api-key']).toBe('k1');
    expect(ours.headers['content-type']).toBe('application/json');
    expect(comparable(ours)).toEqual(comparable(reference));
  });

  it('with the endpoint, headers and compression from OTEL_EXPORTER_OTLP_* variables', async () => {
    const [reference, ours] = await bothSend((base) => {
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = base;
      process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-tenant=acme';
      process.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS = 'x-api-key=from-env';
      process.env.OTEL_EXPORTER_OTLP_COMPRESSION = 'gzip';
      return {};
    });
    expect(ours.path).toBe('/v1/traces');
    expect(ours.headers).toMatchObject({ 'x-tenant': 'acme', 'x-api-key': 'from-env', 'content-encoding': 'gzip' });
    expect(comparable(ours)).toEqual(comparable(reference));
  });

  it('with the signal endpoint variable over the general one, and options over both', async () => {
    const [reference, ours] = await bothSend((base) => {
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:9/unused';
      process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `${base}/signal/path`;
      return { options: { headers: { 'x-api-key': 'option' }, compression: CompressionAlgorithm.NONE } };
    });
    expect(ours.path).toBe('/signal/path');
    expect(comparable(ours)).toEqual(comparable(reference));
  });
});

describe('OtlpHttpExporter transport', () => {
  it('retries a 503 and then succeeds', async () => {
    const server = await collector([503]);
    const exporter = new OtlpHttpExporter({ url: `${server.base}/v1/traces`, timeoutMillis: 10_000 });
    expect(await exportWith(exporter, spans)).toEqual({ code: ExportResultCode.SUCCESS });
    expect(server.received).toHaveLength(2);
    await exporter.shutdown();
    await server.close();
  });

  it('reports a failed result on a 400, without retrying', async () => {
    const server = await collector([400]);
    const exporter = new OtlpHttpExporter({ url: `${server.base}/v1/traces` });
    const result = await exportWith(exporter, spans);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(server.received).toHaveLength(1);
    await exporter.shutdown();
    await server.close();
  });
});
