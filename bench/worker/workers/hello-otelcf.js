import { instrument } from '@microlabs/otel-cf-workers';

export default instrument(
  { fetch: () => new Response('hello') },
  { exporter: { url: 'http://localhost:4318/v1/traces' }, service: { name: 'hello' } },
);
