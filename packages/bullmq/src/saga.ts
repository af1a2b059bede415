/**
 * Saga helpers: run steps in order, each as a span; when one fails, undo the completed ones in
 * reverse, each undo a span that links to the step it undoes and to the step that failed. All saga
 * spans carry `wideline.saga.*` so a query can list what was compensated and why (the contract
 * `@wideline/query` reads).
 *
 * What `runSaga` guarantees:
 * - a step counts as completed only when its `run` resolved, and as failed only when it threw;
 *   only completed steps are compensated, newest first;
 * - a step whose outcome is not known (its `run` threw {@link StepOutcomeUnknownError}, as
 *   {@link jobStep} does when it cannot read its job's state) is neither compensated nor passed:
 *   the saga stops with outcome `interrupted`, so that running it again (same `id`) finds out;
 * - with {@link jobStep} steps, running a saga again is a replay: each step's job has an id made of
 *   the saga's name, id and step, so a step whose job already ran is not run again — its outcome is
 *   read from the job — and the saga continues where it stopped.
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
import { type Attributes, context, type Span, type SpanContext, type Tracer, trace } from '@opentelemetry/api';
import { recordError, wideEvent } from '@wideline/core';
import { LINK_TYPES, SAGA } from '@wideline/core/conventions';
import { asError } from '@wideline/core/sdk';
import { LINK_TYPE } from './attributes';
import { TRACER_NAME } from './producer';

/** Where a step's `run` or `compensate` is: what {@link jobStep} builds its job id from. */
export interface SagaStepRun {
  /** The saga's name (`SagaOptions.name`). */
  saga: string;
  /** The saga run's id (`SagaOptions.id`). */
  id: string;
  /** The step's name. */
  step: string;
  /** The step's position in `steps`. */
  index: number;
  /** `step` when running it, `compensation` when undoing it. */
  role: 'step' | 'compensation';
}

/** One saga step and, optionally, how to undo it. */
export interface SagaStep<C> {
  /** Step name, low cardinality (e.g. `charge`). */
  name: string;
  /** Does the step. Runs inside the step's span. */
  run: (context: C, run: SagaStepRun) => unknown;
  /** Undoes the step after a later step failed. Runs inside the compensation's span. */
  compensate?: (context: C, failure: unknown, run: SagaStepRun) => unknown;
}

/** What {@link runSaga} runs. */
export interface SagaOptions<C> {
  /** Saga name, e.g. `order`. */
  name: string;
  /** One id per saga run, e.g. the order id. Running the saga again with the same id resumes it. */
  id: string;
  steps: readonly SagaStep<C>[];
  /** Passed to every step and compensation. */
  context: C;
  /** Default: `trace.getTracer('@wideline/bullmq')`. */
  tracer?: Tracer;
}

/**
 * `completed`; `compensated` (a step failed, every undo succeeded); `compensation_failed`; or
 * `interrupted` (a step's or an undo's outcome is unknown: nothing was guessed, run it again).
 */
export type SagaOutcome = 'completed' | 'compensated' | 'compensation_failed' | 'interrupted';

/** How the saga ended. */
export interface SagaResult {
  outcome: SagaOutcome;
  /** The step that failed, if any. */
  failedStep?: string;
  /** On `interrupted`: the step, or the step whose undo, had an unknown outcome. */
  pendingStep?: string;
  /** What the failed (or unknown) step threw. */
  error?: unknown;
  /** Undo failures, by step name. */
  compensationErrors: Array<{ step: string; error: unknown }>;
}

/**
 * Thrown by a step (or an undo) whose outcome cannot be established — the work may or may not have
 * happened. {@link runSaga} then neither compensates it nor moves on: the saga is `interrupted`.
 */
export class StepOutcomeUnknownError extends Error {
  override name = 'StepOutcomeUnknownError';
}

/** By name, so that an error from a second copy of this package (or a sandbox) counts too. */
function isUnknown(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'StepOutcomeUnknownError';
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
    recordError(span, error);
    return { span, error, failed: true };
  } finally {
    span.end();
  }
}

interface Done<C> {
  step: SagaStep<C>;
  index: number;
  span: SpanContext;
}

/** Undoes the completed steps, newest first; every undo runs even when an earlier one failed. */
async function compensate<C>(
  options: SagaOptions<C>,
  tracer: Tracer,
  base: Attributes,
  done: Done<C>[],
  failed: { step: string; span: SpanContext; error: unknown },
  result: SagaResult,
): Promise<void> {
  const reason = asError(failed.error).message;
  for (const { step, index, span } of [...done].reverse()) {
    const undo = step.compensate;
    if (!undo) continue;
    const run: SagaStepRun = { saga: options.name, id: options.id, step: step.name, index, role: 'compensation' };
    const undone = await inSpan(
      tracer,
      `saga.compensate ${step.name}`,
      {
        ...base,
        [SAGA.role]: 'compensation',
        [SAGA.step]: step.name,
        [SAGA.compensates]: step.name,
        [SAGA.failedStep]: failed.step,
        [SAGA.reason]: reason,
      },
      [
        [span, LINK_TYPES.compensates],
        [failed.span, LINK_TYPES.failedStep],
      ],
      () => undo(options.context, failed.error, run),
    );
    if (!undone.failed) continue;
    if (isUnknown(undone.error)) {
      // The other undos still run (each is independent); the saga is not over until this one is known.
      result.outcome = 'interrupted';
      result.pendingStep ??= step.name;
    } else {
      if (result.outcome !== 'interrupted') result.outcome = 'compensation_failed';
      result.compensationErrors.push({ step: step.name, error: undone.error });
    }
  }
}

/** Runs the steps; on the first failure compensates, on the first unknown outcome stops. */
async function runSteps<C>(options: SagaOptions<C>, tracer: Tracer, base: Attributes, result: SagaResult) {
  const done: Done<C>[] = [];
  for (const [index, step] of options.steps.entries()) {
    const run: SagaStepRun = { saga: options.name, id: options.id, step: step.name, index, role: 'step' };
    const attributes = { ...base, [SAGA.role]: 'step', [SAGA.step]: step.name, [SAGA.stepIndex]: index };
    const ran = await inSpan(tracer, `saga.step ${step.name}`, attributes, [], () => step.run(options.context, run));
    if (!ran.failed) {
      done.push({ step, index, span: ran.span.spanContext() });
      continue;
    }
    result.error = ran.error;
    if (isUnknown(ran.error)) {
      result.outcome = 'interrupted';
      result.pendingStep = step.name;
      return;
    }
    result.outcome = 'compensated';
    result.failedStep = step.name;
    await compensate(
      options,
      tracer,
      base,
      done,
      { step: step.name, span: ran.span.spanContext(), error: ran.error },
      result,
    );
    return;
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
  await context.with(trace.setSpan(context.active(), root), () => runSteps(options, tracer, base, result));
  const outcome: Attributes = { [SAGA.outcome]: result.outcome };
  if (result.failedStep !== undefined) outcome[SAGA.failedStep] = result.failedStep;
  if (result.pendingStep !== undefined) outcome[SAGA.pendingStep] = result.pendingStep;
  root.setAttributes(outcome);
  if (result.error !== undefined) recordError(root, result.error);
  root.end();
  wideEvent().setAll({ ...base, ...outcome });
  return result;
}
