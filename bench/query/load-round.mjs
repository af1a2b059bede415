// One round of bench/query's load benchmark, in a fresh process (chDB allows one engine per process):
// `node load-round.mjs floors <file>` times what any loader of the file must pay — reading it, and
// parsing its JSON (JavaScript's JSON.parse; the engine's own simdjson parse) — and
// `node load-round.mjs load <file>` times @wideline/query's load, step by step. One JSON line out.
import { closeSync, openSync, readSync } from 'node:fs';

const [what, file] = process.argv.slice(2);
const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
async function timed(fn) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const value = await fn();
  return { wallMs: performance.now() - wall, cpuMs: cpuMs(cpu), value };
}

/** Calls `onLine` with each line of the file, read in 16 MiB chunks (the file is larger than a V8 string may be). */
function eachLine(path, onLine) {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(1 << 24);
  let rest = '';
  let bytes = 0;
  for (;;) {
    const n = readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break;
    bytes += n;
    if (!onLine) continue;
    const lines = (rest + buffer.toString('utf8', 0, n)).split('\n');
    rest = lines.pop();
    for (const line of lines) if (line) onLine(line);
  }
  if (onLine && rest) onLine(rest);
  closeSync(fd);
  return bytes;
}

if (what === 'floors') {
  const { Session } = await import('chdb');
  const session = new Session();
  const sql = async (q) => Number((await session.queryAsync(q, { format: 'TSV' })).text().trim());
  const out = {
    'node read': await timed(() => eachLine(file)),
    'node JSON.parse': await timed(() => {
      let spans = 0;
      eachLine(file, (line) => {
        for (const rs of JSON.parse(line).resourceSpans) for (const ss of rs.scopeSpans) spans += ss.spans.length;
      });
      return spans;
    }),
    'engine read': await timed(() => sql(`SELECT count() FROM file('${file}', 'LineAsString')`)),
    'engine JSON parse': await timed(() =>
      sql(`SELECT sum(JSONLength(line, 'resourceSpans')) FROM file('${file}', 'LineAsString')`),
    ),
  };
  session.close();
  console.log(JSON.stringify(out));
} else if (what === 'load') {
  // BENCH_QUERY_MODULE: another checkout's @wideline/query (its src/index.ts), to compare side by side.
  const { ChdbEngine } = await import(process.env.BENCH_QUERY_MODULE ?? '@wideline/query');
  const engine = await ChdbEngine.create();
  const total = await timed(async () => {
    await engine.loadOtlpFile(file);
    return engine.finishLoad();
  });
  console.log(JSON.stringify({ total, spans: total.value.spans, phases: engine.phases ?? [] }));
  await engine.close();
} else {
  throw new Error(`unknown step ${what}`);
}
