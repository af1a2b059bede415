import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { runSaga, type SagaStepRun, StepOutcomeUnknownError } from '../src/index';
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

describe('runSaga when a step cannot know its outcome', () => {
  it('stops as interrupted: the unknown step is not compensated, neither are the ones before it', async () => {
    const { tracing, finished } = memoryTracing();
    const undone: string[] = [];
    const seen: SagaStepRun[] = [];
    const result = await runSaga({
      name: 'order',
      id: 'o-3',
      context: undefined,
      tracer: tracing.tracer,
      steps: [
        {
          name: 'reserve',
          run: (_c, run) => seen.push(run),
          compensate: (_c, _f, run) => {
            seen.push(run);
            undone.push('reserve');
          },
        },
        {
          name: 'charge',
          run: (_c, run) => {
            seen.push(run);
            throw new StepOutcomeUnknownError('charge: Redis unreachable');
          },
          compensate: () => undone.push('charge'),
        },
        { name: 'ship', run: () => undone.push('ship ran') },
      ],
    });
    expect(result).toMatchObject({ outcome: 'interrupted', pendingStep: 'charge', compensationErrors: [] });
    expect(result.failedStep).toBeUndefined();
    expect(undone).toEqual([]);
    expect(seen).toEqual([
      { saga: 'order', id: 'o-3', step: 'reserve', index: 0, role: 'step' },
      { saga: 'order', id: 'o-3', step: 'charge', index: 1, role: 'step' },
    ]);
    const spans = await finished();
    const root = spans.find((s) => s.name === 'saga order');
    expect(root?.attributes).toMatchObject({
      'wideline.saga.outcome': 'interrupted',
      'wideline.saga.pending_step': 'charge',
    });
    expect(root?.status.code).toBe(SpanStatusCode.ERROR);
    expect(spans.some((s) => s.name.startsWith('saga.compensate'))).toBe(false);
  });

  it('an undo with an unknown outcome interrupts the saga; the other undos still run', async () => {
    const { tracing } = memoryTracing();
    const undone: Array<[string, SagaStepRun['role'], number]> = [];
    const result = await runSaga({
      name: 'order',
      id: 'o-4',
      context: undefined,
      tracer: tracing.tracer,
      steps: [
        { name: 'a', run: () => 1, compensate: (_c, _f, run) => undone.push([run.step, run.role, run.index]) },
        {
          name: 'b',
          run: () => 1,
          compensate: () => {
            throw new StepOutcomeUnknownError('refund: job still active');
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
    expect(result).toMatchObject({ outcome: 'interrupted', failedStep: 'c', pendingStep: 'b', compensationErrors: [] });
    expect(undone).toEqual([['a', 'compensation', 0]]);
  });
});
