import { WidelineConfigError } from '@wideline/core';
import { describe, expect, it } from 'vitest';
import type { BrowserOptions } from '../src/init';
import { browserConfig } from '../src/pipeline';

describe('browserConfig', () => {
  it.each([
    ['service', 'serviceName'],
    ['propagator', 'propagation.setGlobalPropagator()'],
  ])('names the removed option %s and what replaces it', (option, fix) => {
    const options = { serviceName: 'web', [option]: 'x' } as BrowserOptions;
    expect(() => browserConfig(options)).toThrow(WidelineConfigError);
    expect(() => browserConfig(options)).toThrow(`${option}: is no longer an option. Fix: `);
    expect(() => browserConfig(options)).toThrow(fix);
  });

  it('reads the shared options through core, with the page defaults', () => {
    const config = browserConfig({ serviceName: 'web', endpoint: 'https://otel.example.com/' });
    expect(config.tracesEndpoint).toBe('https://otel.example.com/v1/traces');
    expect(config.batch.maxExportBatchSize).toBe(100);
  });
});
