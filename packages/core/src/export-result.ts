/**
 * The two `ExportResultCode` values as constants. They are OpenTelemetry's (0 and 1, fixed by the
 * `SpanExporter` contract); importing the enum itself puts its object in every bundle that exports.
 *
 * @internal
 * @module
 */
import type { ExportResultCode } from '@opentelemetry/core';

export const EXPORT_SUCCESS = 0 as ExportResultCode.SUCCESS;
export const EXPORT_FAILED = 1 as ExportResultCode.FAILED;
