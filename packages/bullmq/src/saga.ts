/**
 * Saga helpers: run steps in order, each as a span; when one fails, undo the completed ones in
 * reverse, each undo a span that links to the step it undoes and to the step that failed. All saga
 * spans carry `wideline.saga.*` so a query can list what was compensated and why (the contract
 * `@wideline/query` reads).
 *
 * @example
 * import { runSaga } from '@wideline/bullmq';
 *
 * const result = await runSaga({
 *   name: 'order',
 *   id: order.id,
 *   context: order,
 *   steps: [
 *     { name: 'reserve', run: reserveStock, compensate: releaseStock },
 *     { name: 'charge', run: chargeCard, compensate: refundCard },
 *     { name: 'ship', run: bookCourier },
 *   ],
 * });
 * if (result.outcome !== 'completed') throw result.error;
 * @module
 */
import {
  type Attributes,
  context,
  type Span,
  type SpanContext,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { wideEvent } from '@wideline/core';
import { LINK_TYPES, SAGA } from '@wideline/core/conventions';
import { ERROR_TYPE, LINK_TYPE } from './attributes';
import { asError } from './outcome';
import { TRACER_NAME } from './producer';

/** One saga step and, optionally, how to undo it. */
export interface SagaStep<C> {
  /** Step name, low cardinality (e.g. `charge`). */
  name: string;
  /** Does the step. Runs inside the step's span. */
  run: (context: C) => unknown;
  /** Undoes the step after a later step failed. Runs inside the compensation's span. */
  compensate?: (context: C, failure: unknown) => unknown;
}

/** What {@link runSaga} runs. */
export interface SagaOptions<C> {
  /** Saga name, e.g. `order`. */
  name: string;
  /** One id per saga run, e.g. the order id. */
  id: string;
  steps: readonly SagaStep<C>[];
  /** Passed to every step and compensation. */
  context: C;
  /** Default: `trace.getTracer('@wideline/bullmq')`. */
  tracer?: Tracer;
}

/** `completed`, `compensated` (a step failed, every undo succeeded), or `compensation_failed`. */
export type SagaOutcome = 'completed' | 'compensated' | 'compensation_failed';

/** How the saga ended. */
export interface SagaResult {
  outcome: SagaOutcome;
  /** The step that failed, if any. */
  failedStep?: string;
  /** What it threw. */
  error?: unknown;
  /** Undo failures, by step name. */
  compensationErrors: Array<{ step: string; error: unknown }>;
}

function fail(span: Span, error: unknown): void {
  const err = asError(error);
  span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  span.setAttribute(ERROR_TYPE, err.name || 'Error');
}

async function inSpan(
  tracer: Tracer,
  name: string,
  attributes: Attributes,
  links: Array<[SpanContext, string]>,
  fn: () => unknown,
): Promise<{ span: Span; error: unknown; failed: boolean }> {
  const span = tracer.startSpan(name, {
    attributes,
    links: links.map(([ctx, type]) => ({ context: ctx, attributes: { [LINK_TYPE]: type } })),
  });
  try {
    await context.with(trace.setSpan(context.active(), span), fn);
    return { span, error: undefined, failed: false };
  } catch (error) {
    fail(span, error);
    return { span, error, failed: true };
  } finally {
    span.end();
  }
}

/**
 * Runs a saga. Never throws for a step's failure: the result says what happened (throw
 * `result.error` to fail the job). The outcome also goes on the enclosing wide event.
 */
export async function runSaga<C>(options: SagaOptions<C>): Promise<SagaResult> {
  const tracer = options.tracer ?? trace.getTracer(TRACER_NAME);
  const base = { [SAGA.name]: options.name, [SAGA.id]: options.id };
  const root = tracer.startSpan(`saga ${options.name}`, { attributes: base });
  const result: SagaResult = { outcome: 'completed', compensationErrors: [] };
  await context.with(trace.setSpan(context.active(), root), async () => {
    const done: Array<{ step: SagaStep<C>; span: SpanContext }> = [];
    for (const [index, step] of options.steps.entries()) {
      const attributes = {
        ...base,
        [SAGA.role]: 'step',
        [SAGA.step]: step.name,
        [SAGA.stepIndex]: index,
      };
      const ran = await inSpan(tracer, `saga.step ${step.name}`, attributes, [], () => step.run(options.context));
      if (!ran.failed) {
        done.push({ step, span: ran.span.spanContext() });
        continue;
      }
      result.outcome = 'compensated';
      result.failedStep = step.name;
      result.error = ran.error;
      const reason = asError(ran.error).message;
      for (const { step: undo, span } of done.reverse()) {
        if (!undo.compensate) continue;
        const compensate = undo.compensate;
        const undone = await inSpan(
          tracer,
          `saga.compensate ${undo.name}`,
          {
            ...base,
            [SAGA.role]: 'compensation',
            [SAGA.step]: undo.name,
            [SAGA.compensates]: undo.name,
            [SAGA.failedStep]: step.name,
            [SAGA.reason]: reason,
          },
          [
            [span, LINK_TYPES.compensates],
            [ran.span.spanContext(), LINK_TYPES.failedStep],
          ],
          () => compensate(options.context, ran.error),
        );
        if (undone.failed) {
          result.outcome = 'compensation_failed';
          result.compensationErrors.push({ step: undo.name, error: undone.error });
        }
      }
      break;
    }
  });
  const outcome: Attributes = { [SAGA.outcome]: result.outcome };
  if (result.failedStep !== undefined) outcome[SAGA.failedStep] = result.failedStep;
  root.setAttributes(outcome);
  if (result.error !== undefined) fail(root, result.error);
  root.end();
  wideEvent().setAll({ ...base, ...outcome });
  return result;
}
