// bench/query load in instructions (callgrind), which do not move with the machine's load:
//   node --conditions=@wideline/source load-callgrind.mjs
// counts the whole load (ChdbEngine.loadOtlpFile + finishLoad, after a warm-up load in the same
// process) per span, for this checkout and, with BENCH_BEFORE=<checkout>/packages/query/src/index.ts,
// another one, side by side. BENCH_STEPS=1 (or a pattern of step names) also counts statements on
// their own, one callgrind window each: the engine's bare JSON parse, JSONExtract into the span tree
// with the attributes in other shapes, its other JSON readers, the ARRAY JOINs. BENCH_EVENTS (default 20,000: valgrind runs the engine ~50× slower).
import { fileURLToPath } from 'node:url';
import { callgrindWindow, countInstructions } from '@wideline/bench-kit';
import { eventsFile } from './events-file.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const here = fileURLToPath(import.meta.url);

const KV = 'Array(Tuple(key String, value Map(String, String)))';
/** The loader's span tree, with the attributes read as `kv` (times as numbers, no scope). */
const tree = (kv) =>
  `Array(Tuple(resource Tuple(attributes ${kv}), scopeSpans Array(Tuple(spans Array(Tuple(traceId String, spanId String, parentSpanId String, flags UInt32, name String, kind String, startTimeUnixNano UInt64, endTimeUnixNano UInt64, attributes ${kv}, status Tuple(code String, message String)))))))`;

/** [name, SQL over `file`]: statements counted one by one. */
function steps(file) {
  const lines = `file('${file}', 'LineAsString')`;
  const extract = (type) => `SELECT sum(length(JSONExtract(line, 'resourceSpans', '${type}'))) FROM ${lines}`;
  return [
    ['bare JSON parse (JSONLength)', `SELECT sum(JSONLength(line, 'resourceSpans')) FROM ${lines}`],
    ['JSONExtract: span tree, attributes as key + value map (the loader)', extract(tree(KV))],
    ['JSONExtract: attributes as key only', extract(tree('Array(Tuple(key String))'))],
    [
      'JSONExtract: no attributes',
      extract(
        'Array(Tuple(scopeSpans Array(Tuple(spans Array(Tuple(traceId String, spanId String, parentSpanId String, flags UInt32, name String, kind String, startTimeUnixNano String, endTimeUnixNano String, status Tuple(code String, message String)))))))',
      ),
    ],
    [
      'JSONExtract: attributes as positional Tuple(String, Map)',
      extract(tree('Array(Tuple(String, Map(String, String)))')),
    ],
    ['JSONExtract: attributes as Array(Map(String, String))', extract(tree('Array(Map(String, String))'))],
    ['JSONExtract: value as raw JSON text', extract(tree('Array(Tuple(key String, value String))'))],
    ['JSONExtract: attribute list as raw JSON text', extract(tree('String'))],
    [
      "the engine's JSONEachRow reader, same tree (times as text: it refuses them as numbers)",
      `SELECT sum(length(resourceSpans)) FROM file('${file}', 'JSONEachRow', 'resourceSpans ${tree(KV).replaceAll('UInt64', 'String')}')`,
    ],
    [
      "the engine's JSON type (JSONAsObject)",
      `SELECT count() FROM (SELECT json.resourceSpans AS r FROM file('${file}', 'JSONAsObject') WHERE notEmpty(r))`,
    ],
    [
      'JSONExtract + the three ARRAY JOINs',
      `SELECT count() FROM (SELECT JSONExtract(line, 'resourceSpans', '${tree(KV)}') AS resourceSpans FROM ${lines}) ARRAY JOIN resourceSpans AS rs ARRAY JOIN rs.scopeSpans AS ss ARRAY JOIN ss.spans AS sp`,
    ],
  ];
}

/** The steps BENCH_STEPS names: `1` for all, else a pattern their names match. */
const chosen = (file) =>
  steps(file).filter(
    ([name]) => process.env.BENCH_STEPS === '1' || new RegExp(process.env.BENCH_STEPS ?? '').test(name),
  );

async function child(what, file) {
  if (what === 'load') {
    const { ChdbEngine } = await import(process.env.BENCH_QUERY_MODULE ?? '@wideline/query');
    const warm = await ChdbEngine.create();
    await warm.loadOtlpFile(file);
    await warm.finishLoad();
    await warm.close();
    const engine = await ChdbEngine.create();
    await callgrindWindow.open();
    await engine.loadOtlpFile(file);
    const summary = await engine.finishLoad();
    await callgrindWindow.close();
    await engine.close();
    console.log(JSON.stringify({ spans: summary.spans }));
    return;
  }
  const { Session } = await import('chdb');
  const session = new Session();
  const q = async (sql) => (await session.queryAsync(sql, { format: 'TSV' })).text();
  await q(steps(file)[0][1]); // warm-up
  for (const [, sql] of chosen(file)) {
    await callgrindWindow.open();
    await q(sql);
    await callgrindWindow.close();
  }
  session.close();
  console.log(JSON.stringify({ spans: EVENTS }));
}

if (process.argv[2] === 'child') await child(process.argv[3], process.argv[4]);
else {
  const { path } = await eventsFile(EVENTS);
  const args = (what) => [process.execPath, ...process.execArgv, here, 'child', what, path];
  const count = async (what, env = {}) => {
    Object.assign(process.env, env);
    const r = await countInstructions(args(what));
    return { ...r, spans: JSON.parse(r.stdout.trim().split('\n').at(-1)).spans };
  };
  console.log(`${EVENTS.toLocaleString('en-US')} spans; instructions per span`);
  const after = await count('load', { BENCH_QUERY_MODULE: '@wideline/query' });
  const perSpan = (n, spans) => Math.round(n / spans).toLocaleString('en-US');
  console.log(`  load, this checkout: ${perSpan(after.instructions, after.spans)}`);
  if (process.env.BENCH_BEFORE) {
    const before = await count('load', { BENCH_QUERY_MODULE: process.env.BENCH_BEFORE });
    console.log(`  load, ${process.env.BENCH_BEFORE}: ${perSpan(before.instructions, before.spans)}`);
    console.log(
      `  this / that: ${(after.instructions / after.spans / (before.instructions / before.spans)).toFixed(3)}×`,
    );
  }
  if (process.env.BENCH_STEPS) {
    const r = await count('steps');
    chosen(path).forEach(([name], i) => {
      console.log(`  ${name}: ${perSpan(r.windows[i], r.spans)}`);
    });
  }
}
