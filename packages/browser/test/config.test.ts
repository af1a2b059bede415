import { WidelineConfigError } from '@wideline/core';
import { describe, expect, it } from 'vitest';
import { envVariables } from '../src/features';
import type { BrowserOptions } from '../src/init';
import { browserConfig } from '../src/pipeline';

describe('browserConfig', () => {
  it.each([
    ['service', 'serviceName'],
    ['propagator', 'propagation.setGlobalPropagator()'],
  ])('names the removed option %s and what replaces it', (option, fix) => {
    const options = { serviceName: 'web', [option]: 'x' } as BrowserOptions;
    expect(() => browserConfig(options, {})).toThrow(WidelineConfigError);
    expect(() => browserConfig(options, {})).toThrow(`${option}: is no longer an option. Fix: `);
    expect(() => browserConfig(options, {})).toThrow(fix);
  });

  it('reads the shared options through core, with the page defaults', () => {
    const config = browserConfig({ serviceName: 'web', endpoint: 'https://otel.example.com/' }, {});
    expect(config.tracesEndpoint).toBe('https://otel.example.com/v1/traces');
    expect(config.batch.maxExportBatchSize).toBe(100);
  });

  it('reads OTEL_* from env only with envVariables(), options still winning', () => {
    const env = { OTEL_SERVICE_NAME: 'from-env', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://env.example.com' };
    expect(() => browserConfig({ env }, {})).toThrow('env: needs the envVariables() feature');
    const parts = {};
    envVariables().setup?.(parts);
    const config = browserConfig({ env }, parts);
    expect(config.serviceName).toBe('from-env');
    expect(config.tracesEndpoint).toBe('https://env.example.com/v1/traces');
    expect(browserConfig({ env, serviceName: 'web' }, parts).serviceName).toBe('web');
    expect(() => browserConfig({ env: { OTEL_TRACES_SAMPLER: 'sometimes' } }, parts)).toThrow(/^OTEL_TRACES_SAMPLER: /);
    expect(browserConfig({ serviceName: 'web' }, parts).serviceName).toBe('web');
  });
});
