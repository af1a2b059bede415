import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { beforeEach, expect, it } from 'vitest';
import type { Env } from './fixtures/unit-worker';
import { parentId, reset, SpanKind, spans, worker } from './helpers';

beforeEach(() => reset());

it('gives KV, R2 and D1 calls CLIENT spans under the request, with what they touched', async () => {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request('https://edge.test/bindings'), env as Env, ctx);
  expect(await response.json()).toEqual({ kv: 'v', miss: null, r2: 'hello r2', rows: 1, batch: 2 });
  await waitOnExecutionContext(ctx);

  const server = spans().find((s) => s.kind === SpanKind.SERVER)!;
  const children = spans().filter((s) => parentId(s) === server.spanContext().spanId);
  expect(children.map((s) => s.name)).toEqual([
    'KV put',
    'KV get',
    'KV get',
    'R2 put',
    'R2 get',
    'D1 exec',
    'D1 run',
    'D1 all',
    'D1 batch',
  ]);
  for (const child of children) expect(child.kind).toBe(SpanKind.CLIENT);

  const [put, hit, miss] = children;
  expect(put?.attributes).toMatchObject({
    'db.system.name': 'cloudflare.kv',
    'db.namespace': 'KV',
    'cloudflare.kv.key': 'k',
  });
  expect(hit?.attributes['cloudflare.kv.hit']).toBe(true);
  expect(miss?.attributes['cloudflare.kv.hit']).toBe(false);
  expect(children[4]?.attributes).toMatchObject({
    'db.system.name': 'cloudflare.r2',
    'cloudflare.r2.key': 'obj',
    'cloudflare.r2.hit': true,
    'cloudflare.r2.size': 8,
  });
  expect(children[6]?.attributes).toMatchObject({
    'db.system.name': 'cloudflare.d1',
    'db.namespace': 'DB',
    'db.operation.name': 'run',
    'db.query.text': 'INSERT INTO t (v) VALUES (?)',
    'cloudflare.d1.rows_written': 1,
  });
  expect(children[8]?.attributes['db.operation.batch.size']).toBe(2);
});

it('leaves bindings untraced outside any unit of work', async () => {
  const typed = env as Env;
  await typed.KV.put('outside', '1');
  expect(await typed.KV.get('outside')).toBe('1');
  expect(spans()).toHaveLength(0);
});
