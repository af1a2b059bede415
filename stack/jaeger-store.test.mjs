// Jaeger's trace store on the native route, each test on a private stack (free ports, its own folder),
// so that the shared stack's data is never touched: Badger keeps traces across a stop, a crash and a
// `wideline find`/`stats` window; retention removes old ones; `reset` and nothing else empties it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchTrace, privateStack, randomTraceId, waitForTrace, writeSpans } from '../packages/testkit/src/index.ts';

const repo = join(import.meta.dirname, '..');
const WIDELINE = join(repo, 'packages', 'query', 'bin', 'wideline.js');
const stacks = [];
afterEach(async () => {
  await Promise.all(stacks.splice(0).map((s) => s.dispose()));
});

/** A private stack running Jaeger (and `services`), store settings from `env`. */
async function jaegerStack(env = {}, services = ['jaeger']) {
  const stack = await privateStack(env);
  stacks.push(stack);
  await cli(stack, ['up', ...services]);
  return stack;
}

async function cli(stack, args, env) {
  const result = await stack.cli(args, env);
  if (result.status !== 0) throw new Error(`pnpm stack ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** A three-span trace of `service`; resolves once Jaeger returns all three. */
async function writeTrace(stack, service, startMs = Date.now()) {
  const traceId = randomTraceId();
  const [root] = await writeSpans(stack.urls.otlp, [
    { service, name: 'GET /orders', traceId, startMs, durationMs: 30 },
  ]);
  const [child] = await writeSpans(stack.urls.otlp, [
    { service, name: 'db.query', traceId, parentSpanId: root.spanId, startMs: startMs + 5, durationMs: 10 },
  ]);
  await writeSpans(stack.urls.otlp, [
    { service: `${service}-worker`, name: 'process', traceId, parentSpanId: child.spanId, startMs: startMs + 8 },
  ]);
  await waitForTrace(traceId, 3, 15_000, stack.urls.jaegerQuery);
  return traceId;
}

const shape = (spans) => spans.map((s) => [s.service, s.name, s.parentSpanId ?? null]).sort();
const service = () => `store-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

describe('Badger, the default store: traces survive Jaeger going away', () => {
  it.each([
    ['stopped and started (pnpm stack down jaeger, up jaeger)', 'down'],
    ['killed (SIGKILL, no shutdown) and started', 'kill'],
  ])('a trace written, Jaeger %s: read back whole', async (_what, how) => {
    const stack = await jaegerStack();
    const traceId = await writeTrace(stack, service());
    const before = shape(await fetchTrace(traceId, stack.urls.jaegerQuery));
    await cli(stack, [how, 'jaeger']);
    await cli(stack, ['up', 'jaeger']);
    expect(shape(await fetchTrace(traceId, stack.urls.jaegerQuery))).toEqual(before);
    expect(before).toHaveLength(3);
  });

  it('wideline find and stats over a window that spans a restart see both sides', async () => {
    const stack = await jaegerStack();
    const name = service();
    const early = [await writeTrace(stack, name), await writeTrace(stack, name)];
    await cli(stack, ['down', 'jaeger']);
    await cli(stack, ['up', 'jaeger']);
    const late = [await writeTrace(stack, name)];
    const run = (...args) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [WIDELINE, ...args, '--service', name, '--since', '15m', '--jaeger', stack.urls.jaegerQuery, '--json'],
          { encoding: 'utf8' },
        ),
      );
    const found = run('find');
    expect(found.map((t) => t.traceId).sort()).toEqual([...early, ...late].sort());
    const stats = run('stats');
    expect(stats.traces).toBe(3);
    expect(stats.groups.reduce((n, g) => n + g.count, 0)).toBe(3);
  });

  it('a trace older than the retention is gone; a newer one is there (WIDELINE_TRACE_RETENTION=2s)', async () => {
    const stack = await jaegerStack({ WIDELINE_TRACE_RETENTION: '2s' });
    const old = await writeTrace(stack, service());
    const writtenAt = Date.now();
    // Badger stamps each entry with an expiry in whole seconds: past 2 s plus that rounding, it is gone.
    await new Promise((r) => setTimeout(r, Math.max(0, writtenAt + 3500 - Date.now())));
    const fresh = await writeTrace(stack, service());
    expect(await fetchTrace(old, stack.urls.jaegerQuery)).toEqual([]);
    expect(await fetchTrace(fresh, stack.urls.jaegerQuery)).toHaveLength(3);
  });

  it('keeps a span link’s trace and span ids, but not its attributes (the memory store keeps both)', async () => {
    const read = async (env) => {
      const stack = await jaegerStack(env);
      const target = await writeTrace(stack, service());
      const [linking] = await writeSpans(stack.urls.otlp, [
        {
          service: service(),
          name: 'saga.compensate',
          links: [{ traceId: target, spanId: 'a1b2c3d4e5f60718', attributes: { 'wideline.link.type': 'compensates' } }],
        },
      ]);
      const [span] = await waitForTrace(linking.traceId, 1, 15_000, stack.urls.jaegerQuery);
      return span.links;
    };
    const badger = await read({});
    const memory = await read({ WIDELINE_TRACE_STORE: 'memory' });
    expect(memory).toEqual([
      expect.objectContaining({ spanId: 'a1b2c3d4e5f60718', attributes: { 'wideline.link.type': 'compensates' } }),
    ]);
    expect(badger).toEqual([expect.objectContaining({ spanId: 'a1b2c3d4e5f60718' })]);
    expect(badger[0].attributes['wideline.link.type']).toBeUndefined();
  });
});

describe('the memory store (WIDELINE_TRACE_STORE=memory): a clean slate at every start', () => {
  it('forgets on restart; switching back to Badger finds the Badger traces where they were', async () => {
    const stack = await jaegerStack();
    const kept = await writeTrace(stack, service());
    const up = await stack.cli(['up', 'jaeger'], { WIDELINE_TRACE_STORE: 'memory' });
    expect(up.stdout).toMatch(/restarting: store badger \(168h\) → memory/);
    expect(await fetchTrace(kept, stack.urls.jaegerQuery)).toEqual([]);
    const forgotten = await writeTrace(stack, service());
    await cli(stack, ['down', 'jaeger']);
    await cli(stack, ['up', 'jaeger'], { WIDELINE_TRACE_STORE: 'memory' });
    expect(await fetchTrace(forgotten, stack.urls.jaegerQuery)).toEqual([]);
    const back = await stack.cli(['up', 'jaeger']);
    expect(back.stdout).toMatch(/restarting: store memory → badger \(168h\)/);
    expect(await fetchTrace(kept, stack.urls.jaegerQuery)).toHaveLength(3);
  });
});

describe('pnpm stack status and reset', () => {
  it('status reports the store, its size on disk and its oldest trace', async () => {
    const stack = await jaegerStack();
    const threeHoursAgo = Math.floor(Date.now() / 1000) * 1000 - 3 * 3600_000;
    await writeTrace(stack, service(), threeHoursAgo);
    await writeTrace(stack, service());
    const { stdout: out } = await stack.cli(['status']);
    const line = out.split('\n').find((l) => l.trim().startsWith('jaeger'));
    expect(line).toMatch(new RegExp(`store badger, [\\d.]+ (kB|MB) in ${stack.dir}/jaeger, retention 168h`));
    const oldest = new Date(threeHoursAgo).toISOString().replace('T', ' ').slice(0, 16);
    expect(line).toContain(`oldest trace ${oldest} UTC (3 h ago)`);
  });

  it('reset empties Jaeger’s store and Redis’s data and starts them again; down and up do not', async () => {
    const stack = await jaegerStack({}, ['jaeger', 'redis']);
    const redis = (...args) =>
      execFileSync('redis-cli', ['-p', String(stack.urls.redisPort), ...args], { encoding: 'utf8' }).trim();
    const traceId = await writeTrace(stack, service());
    redis('SET', 'wideline:kept', 'yes');
    await cli(stack, ['down']);
    await cli(stack, ['up', 'jaeger', 'redis']);
    expect(await fetchTrace(traceId, stack.urls.jaegerQuery)).toHaveLength(3);
    expect(redis('GET', 'wideline:kept')).toBe('yes');

    const out = await cli(stack, ['reset']);
    expect(out).toMatch(/jaeger {5}emptied \(.* deleted from .*\/jaeger\)/);
    expect(out).toMatch(/redis {6}emptied/);
    expect(await fetchTrace(traceId, stack.urls.jaegerQuery)).toEqual([]);
    expect(redis('GET', 'wideline:kept')).toBe('');
    expect((await stack.cli(['status'])).stdout).toMatch(/jaeger {5}up .*redis {6}up/s);
  });

  it.each([
    ['WIDELINE_TRACE_RETENTION', '7d', /WIDELINE_TRACE_RETENTION=7d is not a duration Jaeger reads: use hours/],
    ['WIDELINE_TRACE_STORE', 'disk', /WIDELINE_TRACE_STORE=disk is not a store: use badger .* or memory/],
  ])('%s=%s fails at start-up, naming the variable and the fix', async (name, value, message) => {
    const stack = await privateStack({ [name]: value });
    stacks.push(stack);
    const up = await stack.cli(['up', 'jaeger']);
    expect(up.status).toBe(1);
    expect(up.stderr).toMatch(message);
  });
});
