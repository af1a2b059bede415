/**
 * The exporter of `createNodeTracing`: OpenTelemetry's OTLP/HTTP transport for Node (keep-alive
 * agents, retries with backoff on 429/502/503/504, the export timeout, gzip, proxies through
 * `httpAgentOptions`, every `OTEL_EXPORTER_OTLP_*` variable) with spans encoded by core's own
 * OTLP/JSON encoder (`otlp-json.ts`) instead of `@opentelemetry/otlp-transformer`'s.
 *
 * It is what `@opentelemetry/exporter-trace-otlp-http`'s Node `OTLPTraceExporter` builds — the same
 * public parts of `@opentelemetry/otlp-exporter-base`, called with the same arguments — but for the
 * serializer. The request body is the same OTLP/JSON (unit tests compare the two field by field and
 * request by request); one encoder serves every runtime, so Node gets what the browser and Worker
 * encoder gains.
 *
 * @module
 */
import { OTLPExporterBase, type OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { encodeSpans } from './otlp-json';

const utf8 = new TextEncoder();
const text = new TextDecoder();

const serializer = {
  serializeRequest: (spans: ReadableSpan[]): Uint8Array => utf8.encode(encodeSpans(spans)),
  // A collector answers `{}` or a partial success (which the transport logs); an unparsable answer
  // throws here and the transport warns, the export still counting as delivered.
  deserializeResponse: (data: Uint8Array): object => (data.length === 0 ? {} : JSON.parse(text.decode(data))),
};

// What the exporter's self-observability metrics count per export, as OTLPTraceExporter counts.
const spanCount = { name: 'span' as const, countItems: (spans: ReadableSpan[]) => spans.length };

/**
 * OTLP/HTTP JSON span exporter for Node. Takes `OTLPTraceExporter`'s options (`url`, `headers`,
 * `timeoutMillis`, `compression`, `httpAgentOptions`, `concurrencyLimit`, …) and reads the same
 * `OTEL_EXPORTER_OTLP_*` variables, with the same precedence.
 *
 * @example
 * createTracing({ exporter: new OtlpHttpExporter({ url: 'https://otlp.example/v1/traces', compression: CompressionAlgorithm.GZIP }) })
 */
export class OtlpHttpExporter extends OTLPExporterBase<ReadableSpan[]> implements SpanExporter {
  constructor(config: OTLPExporterNodeConfigBase = {}) {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(config, 'TRACES', 'v1/traces', { 'Content-Type': 'application/json' }),
        serializer,
        // Self-observability metrics, under OTLPTraceExporter's component type (earlier 0.2xx
        // releases take the first two arguments only and ignore these).
        'otlp_http_span_exporter',
        spanCount,
        config.selfObsMeterProvider,
      ),
    );
  }
}
