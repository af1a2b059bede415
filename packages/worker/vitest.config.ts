import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineProject } from 'vitest/config';

// Unit tests run inside workerd (the Workers runtime), with real KV, R2, D1, Queues and Durable
// Objects simulated by Miniflare; spans go to an in-memory exporter.
export default defineProject({
  plugins: [
    cloudflareTest({
      main: './test/fixtures/unit-worker.ts',
      miniflare: {
        compatibilityDate: '2026-08-01',
        compatibilityFlags: ['nodejs_compat'],
        kvNamespaces: ['KV'],
        r2Buckets: ['BUCKET'],
        d1Databases: ['DB'],
        queueProducers: { QUEUE: { queueName: 'jobs' } },
        queueConsumers: { jobs: { maxBatchTimeout: 0.05, maxBatchSize: 5 } },
        durableObjects: { ROOM: 'Room', RAW: 'RawEcho' },
        serviceBindings: { GREETER: 'greeter' },
        // Every outgoing fetch of the Worker under test lands on the echo Worker.
        outboundService: 'greeter',
        // A second Worker behind a service binding, not instrumented: it echoes the trace context it
        // received (headers on fetch, the trailing envelope on RPC), so tests read the wire itself.
        workers: [
          {
            name: 'greeter',
            modules: true,
            compatibilityDate: '2026-08-01',
            // On /keep it answers a traceresponse saying it keeps the caller's trace.
            script: `import { WorkerEntrypoint } from 'cloudflare:workers';
            export default class extends WorkerEntrypoint {
              fetch(request) {
                const traceparent = request.headers.get('traceparent');
                const headers = new Headers();
                if (traceparent && new URL(request.url).pathname === '/keep') headers.set('traceresponse', '00-' + traceparent.slice(3, 35) + '-1111111111111111-01');
                return Response.json({ url: request.url, traceparent, tracestate: request.headers.get('tracestate'), baggage: request.headers.get('baggage') }, { headers });
              }
              echo(...args) { return args; }
            };`,
          },
        ],
        bindings: { OTEL_SERVICE_NAME: 'unit-worker' },
      },
    }),
  ],
  resolve: { conditions: ['@wideline/source'] },
  test: { name: 'worker', include: ['test/*.test.ts'], testTimeout: 15_000 },
});
