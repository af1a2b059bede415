/**
 * Where a model command's events come from and which window it covers: Jaeger's API (default), OTLP
 * files (`--file`), or a ClickHouse server holding Jaeger's tables (`--clickhouse`). Jaeger and files
 * are loaded into the embedded engine; ClickHouse is queried where the data is.
 *
 * @module
 */
import type { FileArgs, GlobalOptions } from '../args.ts';
import { ChdbEngine } from '../engine/chdb-engine.ts';
import type { QueryEngine } from '../engine/engine.ts';
import { UsageError } from '../errors.ts';
import { formatDuration, parseDuration, parseInstant, parsePositiveInt } from '../format.ts';
import { JaegerClient } from '../jaeger-client.ts';
import type { TimeWindow } from '../model/query.ts';
import { type JaegerScan, loadJaegerWindow, truncationNotes } from '../sources/jaeger-window.ts';
import { loadOtlpFiles } from '../sources/otlp-files.ts';

/** The source options as parsed. */
export interface SourceArgs {
  services: string[] | undefined;
  /** `--since`, µs; undefined when not given. */
  sinceUs: number | undefined;
  sinceText: string | undefined;
  /** `--until`, µs: the end of the window instead of now (or, for files, the end of the data). */
  untilUs: number | undefined;
  depth: number;
  files: string[];
  clickhouse: string | undefined;
  clickhouseDatabase: string;
  where: string[];
  weighted: boolean;
  spans: boolean;
}

/** An opened source. */
export interface OpenSource {
  engine: QueryEngine;
  /** "Now" for windows: `--until`, else the wall clock for live sources, the end of the data for files. */
  nowUs: number;
  /** The window ends at the wall clock (Jaeger or ClickHouse without `--until`). */
  live: boolean;
  /** The time range the data covers (files), or undefined when unknown / unbounded. */
  dataRange: TimeWindow | undefined;
  /** Said before the results: truncation, what was read. */
  notes: string[];
  /** One line about where the data came from. */
  origin: string;
  /** The Jaeger scan, when the data came from Jaeger. */
  scan: JaegerScan | undefined;
}

const quoted = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** Reads the source options. */
export function sourceArgs(values: Record<string, unknown>, env: Record<string, string | undefined>): SourceArgs {
  const list = (v: unknown) =>
    ((v as string[] | undefined) ?? [])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
  const services = list(values.service);
  const files = (values.file as string[] | undefined) ?? [];
  const clickhouse =
    typeof values.clickhouse === 'string' ? values.clickhouse : env.WIDELINE_CLICKHOUSE_URL || undefined;
  if (files.length > 0 && typeof values.clickhouse === 'string')
    throw new UsageError('--file and --clickhouse are alternatives: read files, or query the server');
  const since = typeof values.since === 'string' ? values.since : undefined;
  return {
    services: services.length > 0 ? services : undefined,
    sinceUs: since === undefined ? undefined : parseDuration(since, 'since'),
    sinceText: since,
    untilUs: typeof values.until === 'string' ? parseInstant(values.until, 'until') : undefined,
    depth: values.depth === undefined ? 1000 : parsePositiveInt(String(values.depth), 'depth'),
    files,
    clickhouse: files.length > 0 ? undefined : clickhouse,
    clickhouseDatabase:
      typeof values['clickhouse-database'] === 'string'
        ? values['clickhouse-database']
        : env.WIDELINE_CLICKHOUSE_DATABASE || 'jaeger',
    // -s/--service narrows the events to those services, not only the Jaeger search: a trace read
    // for one service also holds the other services' spans.
    where: [
      ...(services.length > 0 ? [`service in (${services.map(quoted).join(', ')})`] : []),
      ...((values.where as string[] | undefined) ?? []),
    ],
    weighted: values.unweighted !== true,
    spans: values.spans === true,
  };
}

/**
 * Opens the source for a command that looks back `lookbackUs` from now (its window plus, for
 * `regress`, the baseline). Files are read whole.
 */
export async function openSource(args: SourceArgs, options: GlobalOptions, lookbackUs: number): Promise<OpenSource> {
  if (args.clickhouse) {
    const { openClickHouse } = await import('../engine/clickhouse-engine.ts');
    const engine = await openClickHouse({ url: args.clickhouse, database: args.clickhouseDatabase });
    return {
      engine,
      nowUs: args.untilUs ?? Date.now() * 1000,
      live: args.untilUs === undefined,
      dataRange: undefined,
      notes: [],
      origin: `ClickHouse at ${engine.origin}`,
      scan: undefined,
    };
  }
  const engine = await ChdbEngine.create();
  try {
    if (args.files.length > 0) {
      const files = await loadOtlpFiles(engine, args.files);
      const summary = await engine.finishLoad();
      const range = summary.fromUs === undefined ? undefined : { fromUs: summary.fromUs, toUs: summary.toUs! + 1 };
      return {
        engine,
        nowUs: args.untilUs ?? range?.toUs ?? Date.now() * 1000,
        live: false,
        dataRange: range,
        notes: [],
        origin: `${files.length} OTLP file${files.length === 1 ? '' : 's'} (${summary.spans} spans, ${summary.events} wide events)`,
        scan: undefined,
      };
    }
    const live = args.untilUs === undefined;
    const now = args.untilUs ?? Date.now() * 1000;
    const jaeger = new JaegerClient({ url: options.jaegerUrl });
    // Live: a minute ahead for clock skew between the hosts and this one.
    const window = { fromUs: now - lookbackUs, toUs: now + (live ? 60e6 : 0) };
    const scan = await loadJaegerWindow(engine, jaeger, {
      window,
      depth: args.depth,
      ...(args.services ? { services: args.services } : {}),
    });
    const summary = await engine.finishLoad();
    const traces = scannedTraces(scan);
    return {
      engine,
      nowUs: now,
      live,
      dataRange: undefined,
      notes: truncationNotes(scan, now, args.sinceText ?? formatDuration(lookbackUs)),
      origin: `Jaeger at ${jaeger.url}: ${traces} traces scanned from ${scan.services.length} service${scan.services.length === 1 ? '' : 's'} (${summary.spans} spans, ${summary.events} wide events)`,
      scan,
    };
  } catch (error) {
    await engine.close();
    throw error;
  }
}

/** How many traces a Jaeger scan read, over its services. */
export function scannedTraces(scan: JaegerScan): number {
  return scan.services.reduce((n, s) => n + s.traces, 0);
}

/** What a one-service command (`find`, `stats`) says of where it reads. */
export interface ServiceSourceArgs {
  service: string;
  source: FileArgs;
  depth: number;
  sinceUs: number;
}

/**
 * Opens the source of a one-service command and the window it reads: the files' whole range, else
 * `sinceUs` back from now and a minute past it (clock skew). The caller closes `opened.engine`.
 */
export async function openServiceSource(
  command: ServiceSourceArgs,
  env: Record<string, string | undefined>,
  options: GlobalOptions,
): Promise<{ opened: OpenSource; window: TimeWindow }> {
  const args = sourceArgs(
    { service: [command.service], file: command.source.files, depth: String(command.depth) },
    env,
  );
  const opened = await openSource(args, options, command.sinceUs);
  const window = opened.dataRange ?? { fromUs: opened.nowUs - command.sinceUs, toUs: opened.nowUs + 60e6 };
  return { opened, window };
}

/**
 * The window of a command: `--since` back from now (or `--until`), else (files) all the data, else
 * `fallbackUs`. A live window reaches a minute past now, for clock skew.
 */
export function windowOf(source: OpenSource, sinceUs: number | undefined, fallbackUs: number): TimeWindow {
  if (sinceUs === undefined && source.dataRange)
    return { fromUs: source.dataRange.fromUs, toUs: Math.min(source.dataRange.toUs, source.nowUs) };
  return { fromUs: source.nowUs - (sinceUs ?? fallbackUs), toUs: source.nowUs + (source.live ? 60e6 : 0) };
}

/** "in the last 1h" / "from 10:00:00 to 11:00:00 UTC". */
export function describeWindow(window: TimeWindow, sinceText: string | undefined, live: boolean): string {
  if (live && sinceText) return `in the last ${sinceText}`;
  const iso = (us: number) => new Date(Math.floor(us / 1000)).toISOString().replace('T', ' ').slice(0, 19);
  return `from ${iso(window.fromUs)} to ${iso(window.toUs)} UTC (${formatDuration(window.toUs - window.fromUs)})`;
}
