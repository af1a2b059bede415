import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { createTracing, WidelineConfigError } from '../src/index';
import { resolveConfig } from '../src/sdk';

describe('resolveConfig', () => {
  it('has working local defaults', () => {
    const config = resolveConfig({});
    expect(config).toMatchObject({
      serviceName: 'unknown_service',
      tracesEndpoint: 'http://localhost:4318/v1/traces',
      exportTimeoutMs: 10_000,
      jaegerUiUrl: 'http://localhost:16686',
      tail: false,
      disabled: false,
    });
  });

  it('reads the standard OTEL_* variables from any env record, ignoring non-string bindings', () => {
    const config = resolveConfig(
      {},
      {
        OTEL_SERVICE_NAME: 'edge-api',
        OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,team=payments,note=a%2Cb',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme, authorization=Basic%20abc',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        MY_KV: { get() {} },
      },
    );
    expect(config).toMatchObject({
      serviceName: 'edge-api',
      resourceAttributes: { 'service.name': 'edge-api', team: 'payments', note: 'a,b' },
      tracesEndpoint: 'https://collector.example:4318/v1/traces',
      headers: { 'x-tenant': 'acme', authorization: 'Basic abc' },
      exportTimeoutMs: 2000,
      head: { ratio: 0.25, parentBased: true },
    });
  });

  it('takes a runtime default below the option and the variables', () => {
    const workerDefaults = { exportTimeoutMs: 2000 };
    expect(resolveConfig({}, {}, workerDefaults).exportTimeoutMs).toBe(2000);
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '750' }, workerDefaults).exportTimeoutMs).toBe(750);
    expect(resolveConfig({ exportTimeoutMs: 300 }, {}, workerDefaults).exportTimeoutMs).toBe(300);
  });

  it('lets options win over variables, and the traces endpoint win over the base endpoint', () => {
    const env = {
      OTEL_SERVICE_NAME: 'env-name',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom',
    };
    expect(resolveConfig({}, env).tracesEndpoint).toBe('http://b:4318/custom');
    const config = resolveConfig(
      { serviceName: 'opt-name', endpoint: 'http://c:4318', serviceVersion: '1.2.3', environment: 'dev' },
      env,
    );
    expect(config.serviceName).toBe('opt-name');
    expect(config.tracesEndpoint).toBe('http://c:4318/v1/traces');
    expect(config.resourceAttributes).toMatchObject({
      'service.version': '1.2.3',
      'deployment.environment.name': 'dev',
    });
  });

  it.each([
    [{}, { OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER'],
    [{}, { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG'],
    [{}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' }, 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    [{}, { OTEL_EXPORTER_OTLP_HEADERS: 'novalue' }, 'OTEL_EXPORTER_OTLP_HEADERS'],
    [{}, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
    [{}, { OTEL_EXPORTER_OTLP_TIMEOUT: '-1' }, 'OTEL_EXPORTER_OTLP_TIMEOUT'],
    [{ sampling: { head: { ratio: 2 } } }, {}, 'sampling.head.ratio'],
    [{ sampling: { tail: { probability: -0.1 } } }, {}, 'sampling.tail.probability'],
    [{ serviceName: ' ' }, {}, 'serviceName'],
    [{ jaegerUiUrl: 'nope' }, {}, 'jaegerUiUrl'],
  ])('throws a WidelineConfigError naming the option and the fix (%#)', (options, env, option) => {
    let error: unknown;
    try {
      resolveConfig(options, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WidelineConfigError);
    expect((error as WidelineConfigError).option).toBe(option);
    expect((error as Error).message).toMatch(new RegExp(`^${option.replace(/[.[\]]/g, '\\$&')}: .+\\. Fix: .+`));
  });

  it('OTEL_SDK_DISABLED turns the pipeline off', async () => {
    expect(resolveConfig({}, { OTEL_SDK_DISABLED: 'true' }).disabled).toBe(true);
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ register: false, exporter, env: { OTEL_SDK_DISABLED: 'true' } });
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    for (const ctx of [ROOT_CONTEXT, parent]) {
      const span = tracing.tracer.startSpan('work', {}, ctx);
      expect(span.isRecording()).toBe(false);
      span.end();
    }
    await tracing.forceFlush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await tracing.shutdown();
  });
});
