/**
 * The W3C Trace Context harness, played against the jobs service (Node: `@wideline/core/node`, its
 * HTTP tracing, `@wideline/bullmq`), black box: each case's headers go into `POST /orders` exactly
 * as the harness sends them; the order's saga runs through BullMQ and real Redis; its status pushes
 * (the service's own outgoing HTTP calls, from the saga worker) come back to a server here as the
 * edge API, and what they carry is checked against the spec's rules (`@wideline/testkit`'s table).
 */
import {
  type CallbackServer,
  checkPropagation,
  freePort,
  requireStack,
  sendRaw,
  startCallbackServer,
  W3C_CASES,
} from '@wideline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackUrls, startJobs, waitReady } from '../src/index.ts';

let callbacks: CallbackServer;
let jobs: ReturnType<typeof startJobs>;
let jobsUrl: string;

beforeAll(async () => {
  await requireStack();
  // The status endpoint is /internal/orders/:id/status: one key per order.
  callbacks = await startCallbackServer((path) => path.split('/')[3] ?? '');
  const port = await freePort();
  jobsUrl = `http://127.0.0.1:${port}`;
  jobs = startJobs({
    port,
    edgeApiUrl: callbacks.url,
    stack: stackUrls(),
    queuePrefix: `wideline-w3c-${process.pid}-${port}`,
    env: { JOBS_STEP_DELAY_MS: '0' },
  });
  await waitReady(jobs, `${jobsUrl}/health`, 30_000);
}, 60_000);

afterAll(async () => {
  await jobs?.stop();
  await callbacks?.close();
});

describe('W3C Trace Context harness against the jobs service (HTTP → BullMQ → HTTP)', () => {
  it.each(W3C_CASES.map((c, i) => [c.name, c, `w3c-${process.pid}-${i}`] as const))(
    '%s',
    async (_name, testCase, orderId) => {
      const response = await sendRaw(`${jobsUrl}/orders`, {
        headers: testCase.headers,
        body: JSON.stringify({ orderId }),
      });
      expect(response.status, response.body).toBe(202);
      const pushes = await callbacks.waitFor(orderId, testCase.calls ?? 1);
      expect(checkPropagation(testCase, pushes)).toEqual([]);
    },
  );
});
