/**
 * The `wideline` command line: `wideline <command> [options]`, parsed with `node:util` `parseArgs`
 * (strict: unknown options are errors, not silently ignored).
 *
 * @module
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.ts';
import { parseDuration, parsePercentiles, parsePositiveInt } from './format.ts';
import { parseWhereFilter } from './model/filter.ts';

/** Options every command takes. */
export interface GlobalOptions {
  jaegerUrl: string;
  json: boolean;
  /** `--csv`: rows as CSV (commands that print rows). */
  csv: boolean;
  /** `--html <file>`: also write a self-contained HTML page. */
  html: string | undefined;
  color: boolean;
  width: number;
}

/** A parsed command. */
export type Command =
  | { name: 'trace'; traceId: string; timings: boolean; follow: boolean }
  | { name: 'why'; traceId: string; follow: boolean }
  | {
      name: 'find';
      service: string;
      since: string;
      sinceUs: number;
      /** Filter texts, parsed by the query model. */
      where: string[];
      source: FileArgs;
      errorsOnly: boolean;
      limit: number;
      depth: number;
    }
  | {
      name: 'stats';
      service: string;
      by: string | undefined;
      percentiles: number[];
      since: string;
      sinceUs: number;
      where: string[];
      source: FileArgs;
      depth: number;
    }
  | { name: 'model'; verb: ModelVerb; values: Record<string, unknown>; positionals: string[] }
  | { name: 'help'; topic: string | undefined }
  | { name: 'version' };

/** Commands built on the query model, each in `commands/<verb>.ts`. */
export type ModelVerb = 'query' | 'events' | 'sql' | 'heatmap' | 'compare' | 'regress' | 'check';

/** Where `find` and `stats` read from besides Jaeger: OTLP/JSON files. */
export interface FileArgs {
  files: string[];
}

/** What the environment contributes to defaults. */
export interface CliEnvironment {
  env: Record<string, string | undefined>;
  isTTY: boolean;
  columns: number | undefined;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  jaeger: { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  html: { type: 'string' },
  color: { type: 'boolean' },
  width: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const SEARCH: Options = {
  service: { type: 'string', short: 's' },
  since: { type: 'string' },
  where: { type: 'string', short: 'w', multiple: true },
  file: { type: 'string', short: 'f', multiple: true },
};

/** Options of every model command: where the events come from, which window, which events. */
export const SOURCE_OPTIONS: Options = {
  service: { type: 'string', short: 's', multiple: true },
  since: { type: 'string' },
  until: { type: 'string' },
  where: { type: 'string', short: 'w', multiple: true },
  file: { type: 'string', short: 'f', multiple: true },
  depth: { type: 'string' },
  clickhouse: { type: 'string' },
  'clickhouse-database': { type: 'string' },
  unweighted: { type: 'boolean' },
  spans: { type: 'boolean' },
};

const GROUPING: Options = {
  by: { type: 'string', short: 'b' },
  agg: { type: 'string', short: 'a' },
  every: { type: 'string' },
  order: { type: 'string', short: 'o' },
  limit: { type: 'string', short: 'n' },
  top: { type: 'string', short: 'k' },
};

const MODEL_OPTIONS: Record<ModelVerb, Options> = {
  query: { ...SOURCE_OPTIONS, ...GROUPING },
  events: {
    ...SOURCE_OPTIONS,
    fields: { type: 'string' },
    order: { type: 'string', short: 'o' },
    limit: { type: 'string', short: 'n' },
  },
  sql: { ...SOURCE_OPTIONS },
  heatmap: { ...SOURCE_OPTIONS, every: { type: 'string' } },
  compare: {
    ...SOURCE_OPTIONS,
    selection: { type: 'string' },
    slowest: { type: 'string' },
    errors: { type: 'boolean' },
    fields: { type: 'string' },
    limit: { type: 'string', short: 'n' },
  },
  regress: {
    ...SOURCE_OPTIONS,
    window: { type: 'string' },
    baseline: { type: 'string' },
    by: { type: 'string', short: 'b' },
    'min-events': { type: 'string' },
  },
  check: { ...SOURCE_OPTIONS },
};

const COMMAND_OPTIONS: Record<string, Options> = {
  trace: { timings: { type: 'boolean' }, follow: { type: 'boolean' } },
  why: { follow: { type: 'boolean' } },
  find: { ...SEARCH, errors: { type: 'boolean' }, limit: { type: 'string', short: 'n' }, depth: { type: 'string' } },
  stats: {
    ...SEARCH,
    by: { type: 'string', short: 'b' },
    percentiles: { type: 'string', short: 'p' },
    depth: { type: 'string' },
  },
};

/** Default Jaeger query URL. */
export const DEFAULT_JAEGER_URL = 'http://localhost:16686';

function requireService(values: Record<string, unknown>, command: string): string {
  const service = values.service;
  if (typeof service !== 'string' || service === '')
    throw new UsageError(`wideline ${command} needs --service <name> (the service.name of the spans to search)`);
  return service;
}

function traceIdArg(positionals: string[], command: string): string {
  if (positionals.length === 0)
    throw new UsageError(`wideline ${command} needs a trace id: wideline ${command} <trace-id>`);
  if (positionals.length > 1) throw new UsageError(`wideline ${command} takes one trace id, got ${positionals.length}`);
  return positionals[0]!;
}

/** Parses `argv` (without `node` and the script). Throws {@link UsageError} on bad input. */
export function parseCommandLine(
  argv: readonly string[],
  environment: CliEnvironment,
): { command: Command; options: GlobalOptions } {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    return {
      command: { name: 'help', topic: first === 'help' ? rest[0] : undefined },
      options: defaults(environment, {}),
    };
  }
  if (first === '--version' || first === '-v' || first === 'version')
    return { command: { name: 'version' }, options: defaults(environment, {}) };
  const verb = first in MODEL_OPTIONS ? (first as ModelVerb) : undefined;
  const specific = verb ? MODEL_OPTIONS[verb] : COMMAND_OPTIONS[first];
  if (!specific)
    throw new UsageError(
      `unknown command "${first}": use trace, why, find, stats, query, events, sql, heatmap, compare, regress or check (wideline --help)`,
    );
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...COMMON, ...specific },
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify.*$/s, '')} (wideline ${first} --help)`);
  }
  const { values, positionals } = parsed;
  const options = defaults(environment, values);
  if (values.help) return { command: { name: 'help', topic: first }, options };
  if (verb) return { command: { name: 'model', verb, values, positionals }, options };
  const where = (values.where as string[] | undefined) ?? [];
  // Checked now, so a malformed filter fails before Jaeger is asked; the commands parse it again.
  for (const w of where) parseWhereFilter(w);
  const source: FileArgs = { files: (values.file as string[] | undefined) ?? [] };
  switch (first) {
    case 'trace':
      return {
        command: {
          name: 'trace',
          traceId: traceIdArg(positionals, first),
          timings: values.timings === true,
          follow: values.follow !== false,
        },
        options,
      };
    case 'why':
      return {
        command: { name: 'why', traceId: traceIdArg(positionals, first), follow: values.follow !== false },
        options,
      };
    case 'find': {
      if (positionals.length > 0)
        throw new UsageError(`wideline find takes no positional arguments (got "${positionals[0]}")`);
      const limit = values.limit === undefined ? 20 : parsePositiveInt(String(values.limit), 'limit');
      const filtered = where.length > 0 || values.errors === true;
      const depth =
        values.depth === undefined
          ? filtered
            ? Math.max(500, limit)
            : limit
          : parsePositiveInt(String(values.depth), 'depth');
      return {
        command: {
          name: 'find',
          service: requireService(values, first),
          since: String(values.since ?? '15m'),
          sinceUs: parseDuration(String(values.since ?? '15m'), 'since'),
          where,
          source,
          errorsOnly: values.errors === true,
          limit,
          depth,
        },
        options,
      };
    }
    default: {
      if (positionals.length > 0)
        throw new UsageError(`wideline stats takes no positional arguments (got "${positionals[0]}")`);
      return {
        command: {
          name: 'stats',
          service: requireService(values, first),
          by: typeof values.by === 'string' ? values.by : undefined,
          percentiles: parsePercentiles(String(values.percentiles ?? '50,95,99')),
          since: String(values.since ?? '1h'),
          sinceUs: parseDuration(String(values.since ?? '1h'), 'since'),
          where,
          source,
          depth: values.depth === undefined ? 1000 : parsePositiveInt(String(values.depth), 'depth'),
        },
        options,
      };
    }
  }
}

function defaults(environment: CliEnvironment, values: Record<string, unknown>): GlobalOptions {
  const { env } = environment;
  const json = values.json === true;
  const noColorEnv = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const color = !json && values.color !== false && (values.color === true || (!noColorEnv && environment.isTTY));
  const widthText = typeof values.width === 'string' ? values.width : undefined;
  const width = widthText
    ? parsePositiveInt(widthText, 'width')
    : (environment.columns ?? (Number(env.COLUMNS) || 120));
  const jaegerUrl =
    typeof values.jaeger === 'string' ? values.jaeger : env.WIDELINE_JAEGER_QUERY_URL || DEFAULT_JAEGER_URL;
  if (!/^https?:\/\/[^/\s]+/.test(jaegerUrl))
    throw new UsageError(`--jaeger "${jaegerUrl}" is not an http(s) URL: use e.g. http://localhost:16686`);
  const csv = values.csv === true;
  if (json && csv) throw new UsageError('--json and --csv are alternatives: pick one');
  const html = typeof values.html === 'string' ? values.html : undefined;
  if (html === '') throw new UsageError('--html needs a file name, e.g. --html report.html');
  return {
    jaegerUrl,
    json,
    csv,
    html,
    color: color && !csv,
    width,
  };
}
