/** Help texts of the `wideline` CLI. @module */

const GLOBAL = `Options for every command:
  --jaeger <url>      Jaeger query URL (env WIDELINE_JAEGER_QUERY_URL; default http://localhost:16686)
  --json              print JSON instead of text
  --csv               print rows as CSV (find, stats and the query commands)
  --html <file>       also write a self-contained HTML page (query, heatmap, compare, regress, check)
  --no-color          plain text (also NO_COLOR=1; colour is off when output is not a terminal)
  --width <columns>   line width (default: the terminal's, else 120)
  -h, --help          this help`;

const SOURCE = `Where the events come from (default: Jaeger's API, loaded into the embedded engine):
  -s, --service <name>   search and keep only these services (repeatable; default all)
  --since <duration>     window back from now (default 1h; files: all their data)
  --until <time>         end the window there instead of now: 2026-12-01T21:20:00Z, or ms since
                         1970 (a report for a past hour, or the same answer on every run)
  --depth <n>            traces per service Jaeger returns at most (default 1000); a full answer is
                         reported as truncated
  -f, --file <path>      OTLP/JSON files (the Collector's file exporter) or a directory of them
  --clickhouse <url>     query Jaeger's ClickHouse tables instead (env WIDELINE_CLICKHOUSE_URL),
                         e.g. http://user:password@localhost:8123; --clickhouse-database (default jaeger)
  --unweighted           count each stored event once (default: weighted by wideline.sample_rate)
  --spans                every span, not only wide events`;

const FOLLOW = `
A retried job's later attempts run in traces of their own, linked to this one (creation and
previous_attempt links). Both commands follow those links, back to the trace the job came from and
forward to every later attempt (spans with wideline.origin.trace_id = this trace, within 24 h), and
show each attempt with its trace id ("attempt 3 of 3 failed → trace …").
  --no-follow            read this trace only`;

/** Help per command, and the overview under `undefined`. */
export const HELP: Record<string, string> = {
  overview: `wideline — read traces back from Jaeger and explain them in the terminal

Usage:
  wideline trace <trace-id>            waterfall: services, durations, errors, links, critical path
  wideline why <trace-id>              the failure path, the error messages, what was compensated
  wideline find --service S [--since 15m] [--where k=v ...] [--errors] [--limit 20]
  wideline stats --service S [--by attr] [--percentiles 50,95,99] [--since 1h] [--where k=v ...]
  wideline query   [--where F] [--by a,b] [--agg count,p99,...] [--every 1m] [--top k]
  wideline events  [--where F] [--fields a,b] [--limit 20]     the matching wide events, newest first
  wideline sql "SELECT … FROM events"                          ClickHouse SQL over events and spans
  wideline heatmap [--where F]                                 duration × time
  wideline compare --slowest 5% | --errors | --selection F     what is different about them (BubbleUp)
  wideline regress [--window 1h] [--baseline 24h]              exit 7 on a severe regression
  wideline check <rules.yaml>                                  alert rules; exit 10/11/12 for P2/P1/P0

A trace id is 32 hex digits; a traceparent value or a Jaeger UI trace URL works too.

${GLOBAL}

Exit codes: 0 ok · 1 unexpected error · 2 bad arguments, trace id or query · 3 Jaeger or ClickHouse
unreachable · 4 trace not found · 5 Jaeger or ClickHouse answered something unusable · 6 the embedded
engine cannot load · 7 severe regression · 10, 11, 12 a P2, P1, P0 alert rule fires`,
  trace: `wideline trace <trace-id> [--timings] [--no-follow]

Prints the trace as a waterfall: one line per span (service, tree, duration, bar on the trace's
timeline; █ marks the critical path), with errors (✗), orphaned spans (⚠, parent missing: hung under
the root), clock-skew corrections (⏱) and span links (↪) noted under the span; then self time per
service and the critical path. --timings prints where the time went to stderr: start-up, http, parse,
spans, graph, render, output, and the process's CPU time.
${FOLLOW}

${GLOBAL}`,
  why: `wideline why <trace-id> [--no-follow]

Explains a failed trace: the path from the root to the root-cause span (the earliest-ending ERROR
span with no ERROR span below it), its status message and recorded exceptions, where the error
propagated, and the saga compensations that ran — which step each one undid and whether it worked;
then each retried job's attempts, wherever they ran.
${FOLLOW}

${GLOBAL}`,
  find: `wideline find --service <name> [--since 15m] [--where key=value ...] [--errors] [--limit 20]

Lists traces with spans of the service that started in the window, most recent first: trace id, root
span, duration, span count, errors.
  -s, --service <name>   service.name to search (required)
  --since <duration>     window back from now: 30s, 15m, 2h, 1d (default 15m)
  -w, --where <filter>   a span of the service must match it: the filter language of wideline query
                         (e.g. "http.route = '/orders' and duration > 1s"; key=value still works);
                         repeat to require all
  -f, --file <path>      read OTLP/JSON files instead of Jaeger
  --errors               only traces with an ERROR span
  -n, --limit <n>        at most n traces (default 20)
  --depth <n>            traces Jaeger returns before filtering (default 500 with filters, else --limit)

${GLOBAL}`,
  query: `wideline query [--where F ...] [--by a,b] [--agg list] [--every 1m] [--order x] [--limit n] [--top k]

Filters, groups and aggregates wide events (local root spans) at query time.
  -w, --where <filter>   e.g. "hashMismatchCount > 0 and colo = 'ewr'"; = != < <= > >= ~ !~ (regex),
                         in (…), not in (…), contains, exists f, f not exists, and, or, not, ( );
                         durations (250ms, 2s) and percentages (5%); repeatable (all must hold)
  -b, --by <fields>      group by attributes or service, name, kind, status, duration_bucket
                         (comma-separated)
  -a, --agg <list>       count, events, errors, error_rate, rate, p50 … p99.9 (of duration_ms unless
                         p95(field)), avg, sum, min, max (field), distinct(field)
                         (default count, error_rate, p50, p95, p99)
  --every <duration>     time buckets
  -o, --order <column>   e.g. p99, p99:asc, colo:asc (default: the first aggregate, descending)
  -n, --limit <n>        at most n rows (with --every: n groups)
  -k, --top <k>          keep the top k groups, fold the rest into (other)
${SOURCE}

${GLOBAL}`,
  events: `wideline events [--where F ...] [--fields a,b] [--order start_time:desc] [--limit 20]

Lists the matching wide events (default fields: start_time, trace_id, service, name, status, duration_ms).
${SOURCE}

${GLOBAL}`,
  sql: `wideline sql "<SELECT …>" [source options]

Runs one ClickHouse SELECT (or WITH … SELECT) over two read-only views: events (one row per wide
event) and spans (every span). Columns: trace_id, span_id, parent_span_id, service, name, kind, status,
status_message, start_time, duration_ms, sample_rate, is_event, and one per attribute, by its own name
("http.route"). Anything but a single SELECT is refused.
${SOURCE}

${GLOBAL}`,
  heatmap: `wideline heatmap [--where F ...] [--every 1m]

Duration × time of the matching wide events, shaded by (weighted) count.
${SOURCE}

${GLOBAL}`,
  compare: `wideline compare (--selection F | --slowest 5% | --errors) [--where scope] [--fields a,b] [--limit 10]

For every field, the values over-represented in the selection against the rest of the events in scope,
ranked by the difference in share, as paired bars.
${SOURCE}

${GLOBAL}`,
  regress: `wideline regress [--window 1h] [--baseline 24h] [--by service,name] [--min-events 10]

Per group: throughput, p50, p95, p99 and error rate of the last window against the baseline before it.
Flagged: throughput < 0.95×, p50/p95 > 1.10×, p99 > 1.15×, error rate > 1.5×; severity minor < 20 %,
moderate 20–50 %, severe > 50 %. Exit code 7 when a group regressed severely.
${SOURCE}

${GLOBAL}`,
  check: `wideline check <rules.yaml> [source options]

Evaluates alert rules once. A rule:
  - name: api error rate
    severity: P1              # P0, P1 or P2
    where: service = 'api'    # optional filter
    when: error_rate > 5%     # <aggregate> <op> <number | duration | percentage>
    for: 5m                   # it fires when every --every bucket in this window breaches
    every: 1m                 # default 1m
    by: http.route            # optional: one alert per group
Exit code by the most urgent firing rule: P0 12, P1 11, P2 10; 0 when none fires.
${SOURCE}

${GLOBAL}`,
  stats: `wideline stats --service <name> [--by attr] [--percentiles 50,95,99] [--since 1h] [--where k=v ...]

Counts and latency percentiles of the service's wide events (its local root spans), computed now from
the spans in Jaeger. Each event counts as wideline.sample_rate events (1 when absent): "weighted" is
the number of events the sampled ones stand for, and percentiles are weighted the same way.
  -s, --service <name>     service.name (required)
  -b, --by <attr>          group by this attribute (or name, status, kind)
  -p, --percentiles <list> default 50,95,99
  --since <duration>       default 1h
  -w, --where <filter>     only events matching it (the filter language of wideline query)
  -f, --file <path>        read OTLP/JSON files instead of Jaeger
  --depth <n>              traces read from Jaeger at most (default 1000)

${GLOBAL}`,
};
