import { instrument } from '@microlabs/otel-cf-workers';
import { handler } from './handler.js';

export default instrument(handler, (env) => ({
  exporter: { url: `${env.OTLP_URL}/v1/traces` },
  service: { name: 'bench-otel-cf-workers' },
}));
