/** Help texts of the `wideline` CLI. @module */

const GLOBAL = `Options for every command:
  --jaeger <url>      Jaeger query URL (env WIDELINE_JAEGER_QUERY_URL; default http://localhost:16686)
  --json              print JSON instead of text
  --no-color          plain text (also NO_COLOR=1; colour is off when output is not a terminal)
  --width <columns>   line width (default: the terminal's, else 120)
  -h, --help          this help`;

/** Help per command, and the overview under `undefined`. */
export const HELP: Record<string, string> = {
  overview: `wideline — read traces back from Jaeger and explain them in the terminal

Usage:
  wideline trace <trace-id>            waterfall: services, durations, errors, links, critical path
  wideline why <trace-id>              the failure path, the error messages, what was compensated
  wideline find --service S [--since 15m] [--where k=v ...] [--errors] [--limit 20]
  wideline stats --service S [--by attr] [--percentiles 50,95,99] [--since 1h] [--where k=v ...]

A trace id is 32 hex digits; a traceparent value or a Jaeger UI trace URL works too.

${GLOBAL}

Exit codes: 0 ok · 1 unexpected error · 2 bad arguments or trace id · 3 Jaeger unreachable ·
4 trace not found · 5 Jaeger answered something unusable`,
  trace: `wideline trace <trace-id> [--timings]

Prints the trace as a waterfall: one line per span (service, tree, duration, bar on the trace's
timeline; █ marks the critical path), with errors (✗), orphaned spans (⚠, parent missing: hung under
the root), clock-skew corrections (⏱) and span links (↪) noted under the span; then self time per
service and the critical path. --timings prints fetch/graph/render times to stderr.

${GLOBAL}`,
  why: `wideline why <trace-id>

Explains a failed trace: the path from the root to the root-cause span (the earliest-ending ERROR
span with no ERROR span below it), its status message and recorded exceptions, where the error
propagated, and the saga compensations that ran — which step each one undid and whether it worked.

${GLOBAL}`,
  find: `wideline find --service <name> [--since 15m] [--where key=value ...] [--errors] [--limit 20]

Lists traces with spans of the service that started in the window, most recent first: trace id, root
span, duration, span count, errors.
  -s, --service <name>   service.name to search (required)
  --since <duration>     window back from now: 30s, 15m, 2h, 1d (default 15m)
  -w, --where <k=v>      a span of the service must have attribute k equal to v (k!=v: must not);
                         repeat to require all; name, status, kind are fields too
  --errors               only traces with an ERROR span
  -n, --limit <n>        at most n traces (default 20)
  --depth <n>            traces Jaeger returns before filtering (default 500 with filters, else --limit)

${GLOBAL}`,
  stats: `wideline stats --service <name> [--by attr] [--percentiles 50,95,99] [--since 1h] [--where k=v ...]

Counts and latency percentiles of the service's wide events (its local root spans), computed now from
the spans in Jaeger. Each event counts as wideline.sample_rate events (1 when absent): "weighted" is
the number of events the sampled ones stand for, and percentiles are weighted the same way.
  -s, --service <name>     service.name (required)
  -b, --by <attr>          group by this attribute (or name, status, kind)
  -p, --percentiles <list> default 50,95,99
  --since <duration>       default 1h
  -w, --where <k=v>        only events with attribute k equal to v (k!=v: not equal)
  --depth <n>              traces read from Jaeger at most (default 1000)

${GLOBAL}`,
};
