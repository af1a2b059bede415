/**
 * The W3C Trace Context harness, played against a real Worker under `wrangler dev` (workerd): each
 * case's headers go in exactly as the harness sends them (repeated, odd casing, white space), the
 * Worker calls back to a server here, and what arrives there is checked against the spec's rules
 * (see `@wideline/testkit`'s W3C table). The Worker is `@wideline/worker` with its defaults
 * (`acceptTraceContext: 'always'`, head sampling ratio 1) and the callback host in `propagateTo`.
 */
import { type CallbackServer, checkPropagation, sendRaw, startCallbackServer, W3C_CASES } from '@wideline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningWorker, startWorker } from './wrangler';

let callbacks: CallbackServer;
let worker: RunningWorker;

beforeAll(async () => {
  callbacks = await startCallbackServer();
  worker = await startWorker('wrangler.jsonc', { DOWNSTREAM_URL: callbacks.url });
}, 90_000);

afterAll(async () => {
  await worker?.stop();
  await callbacks?.close();
});

describe('W3C Trace Context harness against a Worker under wrangler dev', () => {
  it.each(W3C_CASES.map((c, i) => [c.name, c, `case-${i}`] as const))('%s', async (_name, testCase, key) => {
    const calls = Array.from({ length: testCase.calls ?? 1 }, (_, i) => ({
      url: `${callbacks.url}/${key}/${i}`,
      arguments: [],
    }));
    const response = await sendRaw(`${worker.url}/w3c`, { headers: testCase.headers, body: JSON.stringify(calls) });
    expect(response.status, response.body).toBe(200);
    expect(checkPropagation(testCase, callbacks.received(key))).toEqual([]);
  });
});
