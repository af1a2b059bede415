import { describe, expect, it } from 'vitest';
import { perfLayers } from '../src/perf-layers.ts';

const NM = 'file:///repo/node_modules/.pnpm/x@1/node_modules';

// `perf script` output as perf 6 prints it: a header per sample (thread, tid, time, period in ns,
// event), then the call chain, innermost first.
const SCRIPT = `
node 100 10.000001:    500000 task-clock: 
	ffffffff81000130 entry_SYSCALL_64_after_hwframe+0x76 ([kernel.kallsyms])
	    7f0000000001 writev+0x10 (/usr/lib/x86_64-linux-gnu/libc.so.6)
	    7f0000000002 node::StreamBase::Writev+0x20 (/usr/bin/node)
	    3a0000000001 JS:~writeOrBuffer node:internal/streams/writable:1:1+0x20 (/tmp/perf-100.map)
	    3a0000000002 JS:*write ${NM}/ioredis/built/Redis.js:310:5+0x8 (/tmp/perf-100.map)

node 100 10.000002:    250000 task-clock: 
	    3a0000000003 JS:*startSpan ${NM}/@opentelemetry/sdk-trace/build/src/Tracer.js:42:14+0x1 (/tmp/perf-100.map)
	    3a0000000004 JS:*add file:///repo/packages/bullmq/dist/index.js:700:3+0x2 (/tmp/perf-100.map)

node 100 10.000003:    250000 task-clock: 
	    5500000001 v8::internal::Heap::CollectGarbage+0x1 (/usr/bin/node)
	    3a0000000004 JS:*add file:///repo/packages/bullmq/dist/index.js:700:3+0x2 (/tmp/perf-100.map)

node 100 10.000004:    100000 task-clock: 
	    5500000002 v8::internal::MicrotaskQueue::RunMicrotasks+0x1 (/usr/bin/node)
	    5500000003 uv_run+0x1 (/usr/bin/node)

V8 DefaultWorke 101 10.000005:    400000 task-clock: 
	    5500000004 v8::internal::compiler::PipelineImpl::Run+0x1 (/usr/bin/node)
`;

describe('CPU time per layer from perf samples', () => {
  it('gives a sample to the innermost package frame, the collector, the event loop or its thread', () => {
    const { layers, functions, totalUs, samples } = perfLayers(SCRIPT);
    expect(Object.fromEntries(layers)).toEqual({
      ioredis: { us: 500, kernelUs: 500 }, // the kernel's writev, for the package that wrote
      '@opentelemetry/sdk-trace': { us: 250, kernelUs: 0 },
      gc: { us: 250, kernelUs: 0 }, // collection triggered in @wideline/bullmq is still the collector's
      node: { us: 100, kernelUs: 0 },
      'thread: V8 DefaultWorke': { us: 400, kernelUs: 0 },
    });
    expect(totalUs).toBe(1500);
    expect(samples).toBe(5);
    expect(functions.get('ioredis\twrite Redis.js:310')).toBe(500);
    expect(functions.get('node\tv8::internal::MicrotaskQueue::RunMicrotasks')).toBe(100);
  });
});
