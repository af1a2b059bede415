/** Every W3C case (see w3c-case.ts), in the order of the harness. */
import type { W3CCase } from './w3c-case.ts';
import { flagCases, multipleCallCases, traceparentCases } from './w3c-traceparent-cases.ts';
import { tracestateCases } from './w3c-tracestate-cases.ts';

export const W3C_CASES: readonly W3CCase[] = [
  ...traceparentCases,
  ...flagCases,
  ...tracestateCases,
  ...multipleCallCases,
];
