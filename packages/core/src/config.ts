/**
 * Configuration from options and the standard `OTEL_*` variables, read from any env record (Node's
 * `process.env`, a Worker's bindings, Vite's `import.meta.env`). Options win over variables, and
 * variables over defaults. Invalid values throw {@link WidelineConfigError} at start-up, naming the
 * option and the fix, so that a typo never silently turns tracing off.
 *
 * @module
 */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  DEFAULT_JAEGER_UI_URL,
} from './conventions';
import type { BatchOptions } from './export-processor';
import type { RedactionOptions } from './redact';
import type { HeadSamplingOptions } from './sampling';
import type { TailSamplingOptions } from './tail-sampling';
import type { WarningHandler } from './warn-once';
import type { LineSink } from './wide-event-log';

/** Variables as a runtime hands them over; non-string values (Worker bindings) are ignored. */
export type EnvRecord = Readonly<Record<string, unknown>>;

/** Everything `createTracing` accepts besides runtime hooks. */
export interface WidelineOptions {
  /** `service.name`. Default: `OTEL_SERVICE_NAME`, then `OTEL_RESOURCE_ATTRIBUTES`, then `unknown_service`. */
  serviceName?: string;
  /** `service.version`. */
  serviceVersion?: string;
  /** `deployment.environment.name`. */
  environment?: string;
  /** More resource attributes; merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  resourceAttributes?: Attributes;
  /** OTLP/HTTP base URL; `/v1/traces` is appended. Default `OTEL_EXPORTER_OTLP_ENDPOINT` or `http://localhost:4318`. */
  endpoint?: string;
  /** Full traces URL, used as is. Default `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`. */
  tracesEndpoint?: string;
  /** Headers for every export request. Default `OTEL_EXPORTER_OTLP_HEADERS`. */
  headers?: Record<string, string>;
  /**
   * Export request timeout in ms. Default `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`,
   * else 10 000 (2 000 in a Worker).
   */
  exportTimeoutMs?: number;
  /** Queue and batch bounds. */
  batch?: Omit<BatchOptions, 'exportTimeoutMs'>;
  /** Head sampling (default from `OTEL_TRACES_SAMPLER`/`_ARG`, else keep all) and tail sampling (default off). */
  sampling?: { head?: HeadSamplingOptions; tail?: TailSamplingOptions | false };
  /** Redaction rules, or `false` to export attributes untouched. Default: the built-in deny list. */
  redaction?: RedactionOptions | false;
  /** Also write one JSON line per unit of work: `true` for `console.log`, or a sink. Default `false`. */
  wideEventLog?: boolean | LineSink;
  /** Jaeger UI base URL for trace links. Default `WIDELINE_JAEGER_UI_URL` or `http://localhost:16686`. */
  jaegerUiUrl?: string;
  /** The env record to read `OTEL_*` from. */
  env?: EnvRecord;
  /** Receives one warning per kind of export trouble. Default `console.warn`. */
  onWarning?: WarningHandler;
}

/**
 * Defaults a runtime package sets where its runtime needs another value than core's; an option or an
 * `OTEL_*` variable still wins. The Worker's export timeout is 2 s: an invocation's `waitUntil` work
 * is cut off 30 s after the response, and a hung collector must not hold every invocation that long.
 */
export interface RuntimeDefaults {
  /** Default export timeout in ms. Core's: 10 000 (the OTLP exporter specification's default). */
  exportTimeoutMs?: number;
}

/** Configuration after defaults and validation. */
export interface ResolvedConfig {
  disabled: boolean;
  serviceName: string;
  resourceAttributes: Attributes;
  tracesEndpoint: string;
  headers: Record<string, string>;
  exportTimeoutMs: number;
  batch: Omit<BatchOptions, 'exportTimeoutMs'>;
  head: HeadSamplingOptions;
  tail: TailSamplingOptions | false;
  redaction: RedactionOptions | false;
  wideEventLog: LineSink | undefined;
  jaegerUiUrl: string;
}

/** A configuration mistake found at start-up. The message names the option and how to fix it. */
export class WidelineConfigError extends Error {
  override readonly name = 'WidelineConfigError';

  constructor(
    readonly option: string,
    problem: string,
    fix: string,
  ) {
    super(`${option}: ${problem}. Fix: ${fix}`);
  }
}

const DEFAULT_ENDPOINT = 'http://localhost:4318';

function read(env: EnvRecord, name: string): string | undefined {
  const value = env[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function httpUrl(value: string, option: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // Not a URL at all: the check below names it.
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new WidelineConfigError(option, `'${value}' is not an http(s) URL`, 'give one like http://localhost:4318');
  }
  return url.toString().replace(/\/$/, '');
}

/** Parses the `key=value,key2=value2` lists of `OTEL_EXPORTER_OTLP_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES`. */
export function parseKeyValueList(value: string, option: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const part of value.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim() : '';
    if (key === '') {
      throw new WidelineConfigError(option, `'${part.trim()}' is not key=value`, 'write a list like a=1,b=2');
    }
    try {
      result[decodeURIComponent(key)] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new WidelineConfigError(
        option,
        `'${part.trim()}' has broken percent-encoding`,
        'percent-encode commas and equals signs in values',
      );
    }
  }
  return result;
}

function positiveNumber(value: number | string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new WidelineConfigError(option, `'${value}' is not a positive number`, 'give milliseconds, e.g. 10000');
  }
  return n;
}

function ratio(value: number | string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) {
    throw new WidelineConfigError(option, `'${value}' is not a probability`, 'give a number from 0 to 1');
  }
  return n;
}

const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

function headFromEnv(env: EnvRecord): HeadSamplingOptions {
  const sampler = read(env, 'OTEL_TRACES_SAMPLER');
  if (sampler === undefined) return {};
  if (!SAMPLERS.includes(sampler)) {
    throw new WidelineConfigError(
      'OTEL_TRACES_SAMPLER',
      `'${sampler}' is not supported`,
      `use one of ${SAMPLERS.join(', ')}`,
    );
  }
  const arg = read(env, 'OTEL_TRACES_SAMPLER_ARG');
  const parentBased = sampler.startsWith('parentbased_');
  if (sampler.endsWith('always_on')) return { ratio: 1, parentBased };
  if (sampler.endsWith('always_off')) return { ratio: 0, parentBased };
  return { ratio: arg === undefined ? 1 : ratio(arg, 'OTEL_TRACES_SAMPLER_ARG'), parentBased };
}

function validateOptions(options: WidelineOptions): void {
  const head = options.sampling?.head;
  if (head?.ratio !== undefined) ratio(head.ratio, 'sampling.head.ratio');
  for (const [i, rule] of (head?.rules ?? []).entries()) ratio(rule.ratio, `sampling.head.rules[${i}].ratio`);
  if (options.serviceName !== undefined && options.serviceName.trim() === '') {
    throw new WidelineConfigError('serviceName', 'is empty', 'give a name such as "checkout-api"');
  }
}

/** Tail sampling's options, which only servers have (the browser's `resolveOptions` never sees them). */
function validateTail(tail: TailSamplingOptions | false | undefined): void {
  if (tail && tail.probability !== undefined) ratio(tail.probability, 'sampling.tail.probability');
  if (tail && tail.slowMs !== undefined && !(tail.slowMs >= 0)) {
    throw new WidelineConfigError(
      'sampling.tail.slowMs',
      `'${tail.slowMs}' is negative`,
      'give 0 or more milliseconds',
    );
  }
}

/**
 * The traces URL from a pair of settings, options or variables alike: the traces endpoint as given,
 * else the base endpoint + `/v1/traces` (OTLP/HTTP's path), else `undefined`. Each is checked under
 * its own name.
 */
function tracesUrl(
  traces: string | undefined,
  base: string | undefined,
  tracesName: string,
  baseName: string,
): string | undefined {
  if (traces) return httpUrl(traces, tracesName);
  if (base) return `${httpUrl(base, baseName)}/v1/traces`;
  return undefined;
}

/** Core's export timeout: the OTLP exporter specification's default. */
export const DEFAULT_EXPORT_TIMEOUT_MS = 10_000;

/** What the variables of an env record set, parsed and validated by {@link configFromEnv}. */
export interface EnvConfig {
  disabled: boolean;
  serviceName: string | undefined;
  resourceAttributes: Attributes;
  /** The full traces URL, from `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  tracesEndpoint: string | undefined;
  headers: Record<string, string>;
  exportTimeoutMs: number | undefined;
  head: HeadSamplingOptions;
  jaegerUiUrl: string | undefined;
}

/**
 * Reads the `OTEL_*` variables (and `WIDELINE_JAEGER_UI_URL`) of an env record; a bad value throws
 * {@link WidelineConfigError} naming the variable. {@link resolveConfig} calls it; the browser
 * passes it to {@link resolveOptions} only when a page loads its env feature.
 */
export function configFromEnv(env: EnvRecord): EnvConfig {
  const protocol = read(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? read(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocol !== undefined && protocol !== 'http/json' && protocol !== 'http/protobuf') {
    throw new WidelineConfigError('OTEL_EXPORTER_OTLP_PROTOCOL', `'${protocol}' is not supported`, 'use http/json');
  }
  const resource = read(env, 'OTEL_RESOURCE_ATTRIBUTES');
  const tracesEndpoint = read(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const endpoint = read(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const headers = read(env, 'OTEL_EXPORTER_OTLP_TRACES_HEADERS') ?? read(env, 'OTEL_EXPORTER_OTLP_HEADERS');
  return {
    disabled: read(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true',
    serviceName: read(env, 'OTEL_SERVICE_NAME'),
    resourceAttributes: resource ? parseKeyValueList(resource, 'OTEL_RESOURCE_ATTRIBUTES') : {},
    tracesEndpoint: tracesUrl(
      tracesEndpoint,
      endpoint,
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    ),
    headers: headers ? parseKeyValueList(headers, 'OTEL_EXPORTER_OTLP_HEADERS') : {},
    exportTimeoutMs: positiveNumber(
      read(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') ?? read(env, 'OTEL_EXPORTER_OTLP_TIMEOUT'),
      'OTEL_EXPORTER_OTLP_TIMEOUT',
    ),
    head: headFromEnv(env),
    jaegerUiUrl: read(env, 'WIDELINE_JAEGER_UI_URL'),
  };
}

/**
 * Resolves options and `OTEL_*` variables into a validated config: the one place every runtime's
 * shared options are read (docs/options.md lists them).
 *
 * @param defaults what a runtime package defaults differently from core (the Worker's timeout)
 * @example
 * resolveConfig({ serviceName: 'jobs' }, process.env).tracesEndpoint // 'http://localhost:4318/v1/traces'
 */
export function resolveConfig(
  options: WidelineOptions = {},
  env: EnvRecord = options.env ?? {},
  defaults: RuntimeDefaults = {},
): ResolvedConfig {
  validateTail(options.sampling?.tail);
  return resolveOptions(options, env, configFromEnv, defaults);
}

/**
 * {@link resolveConfig} with the env reader passed in, for a runtime whose bundle leaves it out
 * unless asked (the browser): without `readEnv`, `env` is not read. Tail sampling's options are
 * passed through unchecked: `resolveConfig` checks them, for the runtimes that have them.
 */
export function resolveOptions(
  options: WidelineOptions,
  env: EnvRecord,
  readEnv: ((env: EnvRecord) => EnvConfig) | undefined,
  defaults: RuntimeDefaults = {},
): ResolvedConfig {
  validateOptions(options);
  const fromEnv = readEnv?.(env);
  const resourceAttributes: Attributes = { ...fromEnv?.resourceAttributes, ...options.resourceAttributes };
  const serviceName =
    options.serviceName ??
    fromEnv?.serviceName ??
    (resourceAttributes[ATTR_SERVICE_NAME] as string | undefined) ??
    'unknown_service';
  resourceAttributes[ATTR_SERVICE_NAME] = serviceName;
  if (options.serviceVersion) resourceAttributes[ATTR_SERVICE_VERSION] = options.serviceVersion;
  if (options.environment) resourceAttributes[ATTR_DEPLOYMENT_ENVIRONMENT_NAME] = options.environment;

  const tracesEndpoint =
    tracesUrl(options.tracesEndpoint, options.endpoint, 'tracesEndpoint', 'endpoint') ??
    fromEnv?.tracesEndpoint ??
    `${DEFAULT_ENDPOINT}/v1/traces`;
  const wideEventLog =
    options.wideEventLog === true ? (line: string) => console.log(line) : options.wideEventLog || undefined;

  return {
    disabled: fromEnv?.disabled ?? false,
    serviceName,
    resourceAttributes,
    tracesEndpoint,
    headers: { ...fromEnv?.headers, ...options.headers },
    exportTimeoutMs:
      positiveNumber(options.exportTimeoutMs, 'exportTimeoutMs') ??
      fromEnv?.exportTimeoutMs ??
      defaults.exportTimeoutMs ??
      DEFAULT_EXPORT_TIMEOUT_MS,
    batch: options.batch ?? {},
    head: { ...fromEnv?.head, ...options.sampling?.head },
    tail: options.sampling?.tail ?? false,
    redaction: options.redaction ?? {},
    wideEventLog,
    jaegerUiUrl: httpUrl(options.jaegerUiUrl ?? fromEnv?.jaegerUiUrl ?? DEFAULT_JAEGER_UI_URL, 'jaegerUiUrl'),
  };
}
