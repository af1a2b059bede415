import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { runSaga } from '../src/index';
import { memoryTracing } from './helpers';

describe('runSaga', () => {
  it('a saga that completes: step spans in order, outcome on the saga span', async () => {
    const { tracing, finished } = memoryTracing();
    const order: string[] = [];
    const result = await runSaga({
      name: 'order',
      id: 'o-1',
      context: order,
      tracer: tracing.tracer,
      steps: ['reserve', 'charge', 'ship'].map((name) => ({ name, run: (o: string[]) => o.push(name) })),
    });
    expect(result).toEqual({ outcome: 'completed', compensationErrors: [] });
    expect(order).toEqual(['reserve', 'charge', 'ship']);
    const spans = await finished();
    const root = spans.find((s) => s.name === 'saga order');
    expect(root?.attributes).toMatchObject({ 'wideline.saga.outcome': 'completed', 'wideline.saga.id': 'o-1' });
    const steps = spans.filter((s) => s.attributes['wideline.saga.role'] === 'step');
    expect(steps.map((s) => [s.attributes['wideline.saga.step'], s.attributes['wideline.saga.step_index']])).toEqual([
      ['reserve', 0],
      ['charge', 1],
      ['ship', 2],
    ]);
    expect(steps.every((s) => s.parentSpanContext?.spanId === root?.spanContext().spanId)).toBe(true);
  });

  it('a failing undo makes the outcome compensation_failed and the other undos still run', async () => {
    const { tracing, finished } = memoryTracing();
    const undone: string[] = [];
    const result = await runSaga({
      name: 'order',
      id: 'o-2',
      context: undefined,
      tracer: tracing.tracer,
      steps: [
        { name: 'a', run: () => 1, compensate: () => undone.push('a') },
        {
          name: 'b',
          run: () => 1,
          compensate: () => {
            throw new Error('refund failed');
          },
        },
        {
          name: 'c',
          run: () => {
            throw new Error('no courier');
          },
        },
      ],
    });
    expect(result.outcome).toBe('compensation_failed');
    expect(result.failedStep).toBe('c');
    expect(undone).toEqual(['a']);
    const spans = await finished();
    const undoB = spans.find((s) => s.name === 'saga.compensate b');
    expect(undoB?.status.code).toBe(SpanStatusCode.ERROR);
    expect(spans.find((s) => s.name === 'saga order')?.attributes['wideline.saga.outcome']).toBe('compensation_failed');
  });
});
