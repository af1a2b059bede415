import { describe, expect, it } from 'vitest';
import { type CpuProfile, groupLayers, packageOf, profileLayers } from '../src/profile-layers.ts';

const NM = '/repo/node_modules/.pnpm/x@1/node_modules';

describe('the package of a script', () => {
  it.each([
    [`file://${NM}/ioredis/built/Command.js`, 'ioredis'],
    [`file://${NM}/@opentelemetry/sdk-trace/build/src/Tracer.js`, '@opentelemetry/sdk-trace'],
    ['file:///repo/packages/bullmq/dist/index.js', '@wideline/bullmq'],
    ['file:///repo/bench/bullmq/src/run.ts', 'run.ts'],
    ['node:internal/process/task_queues', undefined],
    ['', undefined],
  ])('%s → %s', (url, pkg) => {
    expect(packageOf(url)).toBe(pkg);
  });
});

describe('time per layer', () => {
  // (root) ─┬─ processTicksAndRejections (node) ─── execute (ioredis) ─── writeBuffer (native)
  //         ├─ runMicrotasks (native, no package above it)
  //         ├─ startSpan (sdk-trace) ─── test (native regex)
  //         ├─ (garbage collector)
  //         └─ (idle)
  const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5, 6, 8, 9] },
      { id: 2, callFrame: frame('processTicksAndRejections', 'node:internal/process/task_queues'), children: [3] },
      { id: 3, callFrame: frame('execute', `file://${NM}/ioredis/built/Script.js`), children: [4] },
      { id: 4, callFrame: frame('writeBuffer') },
      { id: 5, callFrame: frame('runMicrotasks') },
      {
        id: 6,
        callFrame: frame('startSpan', `file://${NM}/@opentelemetry/sdk-trace/build/src/Tracer.js`),
        children: [7],
      },
      { id: 7, callFrame: frame('test') },
      { id: 8, callFrame: frame('(garbage collector)') },
      { id: 9, callFrame: frame('(idle)') },
    ],
    samples: [4, 4, 3, 2, 5, 6, 7, 8, 9, 9],
    timeDeltas: [10, 10, 5, 1, 2, 3, 4, 6, 100, 100],
  };

  it('gives natives and Node internals to the nearest package that called them', () => {
    const { layers, busyUs } = profileLayers(profile);
    expect(Object.fromEntries(layers)).toEqual({
      ioredis: 25,
      node: 3, // processTicksAndRejections' own time, and the microtasks nobody called
      '@opentelemetry/sdk-trace': 7,
      gc: 6,
      idle: 200,
    });
    expect(busyUs).toBe(41);
  });

  it('groups packages into named layers', () => {
    const { layers, functions } = profileLayers(
      profile,
      groupLayers({ redis: ['ioredis'], 'otel sdk': ['@opentelemetry/sdk-trace'] }),
    );
    expect(layers.get('redis')).toBe(25);
    expect(layers.get('otel sdk')).toBe(7);
    expect(functions.get('redis\twriteBuffer :1')).toBe(20);
    expect(functions.get('otel sdk\ttest :1')).toBe(4);
  });
});
