import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createTracing, WidelineConfigError } from '@wideline/core';
import { afterEach, expect, it, vi } from 'vitest';
import { currentIsolateRuntime, resetIsolateRuntime, type WorkerConfig } from '../src/config';
import { instrument, tailSampling, wideEventLog } from '../src/index';

// This file gets its own isolate, so each test can build the runtime from another config.
async function call(config: Omit<WorkerConfig, 'exporter'>, exporter = new InMemorySpanExporter()) {
  await resetIsolateRuntime();
  const handler = instrument(
    { fetch: () => new Response('ok', { headers: { 'x-user': 'ada' } }) },
    { serviceName: 'features', ...config, exporter },
  ) as unknown as { fetch(request: Request, env: unknown, ctx: ExecutionContext): Promise<Response> };
  const ctx = createExecutionContext();
  const response = await handler.fetch(new Request('https://edge.test/?token=secret'), env, ctx);
  await response.text();
  await waitOnExecutionContext(ctx);
  return response;
}

afterEach(() => resetIsolateRuntime());

it('fails the first invocation when sampling.tail or wideEventLog is set without its feature', async () => {
  await expect(call({ sampling: { tail: { slowMs: 10 } } })).rejects.toBeInstanceOf(WidelineConfigError);
  await expect(call({ sampling: { tail: {} } })).rejects.toThrow(
    /^sampling\.tail: the tailSampling feature is not in this Worker\. Fix: import \{ tailSampling \} from '@wideline\/worker' and add features: \[tailSampling\(\)\]/,
  );
  await expect(call({ wideEventLog: () => {} })).rejects.toThrow(/^wideEventLog: the wideEventLog feature is not/);
  // Off is off, with or without the feature.
  await expect(call({ sampling: { tail: false }, wideEventLog: false })).resolves.toBeInstanceOf(Response);
});

it('runs no tail sampler and writes no wide-event lines without the features', async () => {
  const exporter = new InMemorySpanExporter();
  await call({}, exporter);
  expect(currentIsolateRuntime()?.tracing.tailSampler).toBeUndefined();
  expect(exporter.getFinishedSpans()).toHaveLength(1);
});

// One vocabulary: for the same option values the Worker (features listed) and core's createTracing
// switch the same parts on. Each row also says what that is, so that both agreeing on the wrong
// answer fails too. `sink` is the LineSink row; `true` writes to console.log.
type Switches = Pick<WorkerConfig, 'sampling' | 'wideEventLog'>;
const sinkLines: string[] = [];
const sink = (line: string) => void sinkLines.push(line);
const switches: Array<[string, Switches, { tail: boolean; log: boolean }]> = [
  ['neither option (both undefined)', {}, { tail: false, log: false }],
  ['sampling.tail: undefined', { sampling: { head: {} } }, { tail: false, log: false }],
  ['sampling.tail: false', { sampling: { tail: false } }, { tail: false, log: false }],
  ['sampling.tail: {}', { sampling: { tail: {} } }, { tail: true, log: false }],
  ['sampling.tail: { slowMs: 10 }', { sampling: { tail: { slowMs: 10 } } }, { tail: true, log: false }],
  ['wideEventLog: false', { wideEventLog: false }, { tail: false, log: false }],
  ['wideEventLog: true', { wideEventLog: true }, { tail: false, log: true }],
  ['wideEventLog: sink', { wideEventLog: sink }, { tail: false, log: true }],
  ['both on', { sampling: { tail: {} }, wideEventLog: true }, { tail: true, log: true }],
];

/** Wide-event lines written while `run` ran, to the sink or to console.log. */
async function linesDuring(run: () => Promise<unknown>): Promise<number> {
  sinkLines.length = 0;
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await run();
    const logged = log.mock.calls.map(([line]) => String(line));
    return [...sinkLines, ...logged].filter((line) => line.startsWith('{"_event":')).length;
  } finally {
    log.mockRestore();
  }
}

async function coreSwitches(options: Switches): Promise<{ tail: boolean; log: boolean }> {
  const tracing = createTracing({
    serviceName: 'core',
    ...options,
    exporter: new InMemorySpanExporter(),
    register: false,
  });
  const lines = await linesDuring(async () => {
    tracing.tracer.startSpan('GET').end();
    await tracing.forceFlush();
  });
  const tail = tracing.tailSampler !== undefined;
  await tracing.shutdown();
  return { tail, log: lines === 1 };
}

async function workerSwitches(options: Switches): Promise<{ tail: boolean; log: boolean }> {
  const lines = await linesDuring(() => call({ ...options, features: [tailSampling(), wideEventLog()] }));
  return { tail: currentIsolateRuntime()?.tracing.tailSampler !== undefined, log: lines === 1 };
}

it.each(switches)('switches the same parts on as core for %s (features listed)', async (_, options, expected) => {
  expect(await coreSwitches(options)).toEqual(expected);
  expect(await workerSwitches(options)).toEqual(expected);
});

it('listing the features alone switches nothing on', async () => {
  const exporter = new InMemorySpanExporter();
  const lines = await linesDuring(() => call({ features: [tailSampling(), wideEventLog()] }, exporter));
  expect(lines).toBe(0);
  expect(currentIsolateRuntime()?.tracing.tailSampler).toBeUndefined();
  // Without a tail sampler every span is exported, and traceresponse carries the head decision.
  expect(exporter.getFinishedSpans()).toHaveLength(1);
});

it('tail-samples with core defaults for sampling.tail: {}', async () => {
  const exporter = new InMemorySpanExporter();
  const response = await call({ features: [tailSampling()], sampling: { tail: {} } }, exporter);
  expect(currentIsolateRuntime()?.tracing.tailSampler).toBeDefined();
  // A fast, successful unit is kept only by the 10 % probability; the traceresponse says which.
  const kept = exporter.getFinishedSpans().length === 1;
  expect(response.headers.get('traceresponse')).toMatch(kept ? /-03$/ : /-02$/);
});

it('writes one redacted JSON line per unit with the wideEventLog feature, to the option’s sink', async () => {
  const lines: string[] = [];
  await call({ features: [wideEventLog()], wideEventLog: (line) => lines.push(line) });
  expect(lines).toHaveLength(1);
  const record = JSON.parse(lines[0] as string);
  expect(record).toMatchObject({ _event: 'GET', service: 'features', 'url.path': '/' });
  expect(lines[0]).not.toContain('secret');
});
