/**
 * Instructions per job of each JavaScript function, from callgrind: the counted window of
 * `overhead.ts` (one layer per process, no Redis), with V8's generated code named through Node's
 * perf map (bench-kit's `profileFunctions`). Inclusive counts say what a call costs with everything
 * it calls; self counts what its own code costs. Load-independent, like `BENCH_INSTRUCTIONS=1`.
 *
 *   node src/functions.ts                                # sampled-out and otlp, 2000 jobs, 2 rounds
 *   BENCH_ONLY=head-10% BENCH_TOP=60 node src/functions.ts
 *   BENCH_MATCH=packages/ node src/functions.ts          # only functions whose name contains this
 *   BENCH_KEEP=/tmp/cg node src/functions.ts             # keep /tmp/cg.<layer> for callgrind_annotate --tree=caller
 *
 * Not part of `pnpm bench`; it prints, nothing gates on it.
 */
import { fileURLToPath } from 'node:url';
import { profileFunctions } from '@wideline/bench-kit';

const JOBS = Number(process.env.BENCH_JOBS ?? 2000);
const TOP = Number(process.env.BENCH_TOP ?? 40);
const MATCH = process.env.BENCH_MATCH ?? 'JS:';
const layers = (process.env.BENCH_ONLY ?? 'sampled-out,otlp').split(',');
const overhead = fileURLToPath(new URL('./overhead.ts', import.meta.url));

/** `JS:name file:///…/node_modules/.pnpm/<pkg>/node_modules/<pkg>/build/src/x.js:1:2` → `name <pkg>/x.js:1`. */
function shortName(name: string): string {
  return name
    .replace(/^JS:/, '')
    .replace(/file:\/\/|\/work\/wt\/[^/]+\//g, '')
    .replace(/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/\/build\/(esm|src)\//, '/')
    .replace(/:(\d+):\d+$/, ':$1');
}

const results = await Promise.all(
  layers.map(async (layer) => ({
    layer,
    ...(await profileFunctions([process.execPath, overhead, '--counted', layer], {
      env: { ...process.env, BENCH_JOBS: String(JOBS) },
      ...(process.env.BENCH_KEEP ? { keep: `${process.env.BENCH_KEEP}.${layer}` } : {}),
    })),
  })),
);
for (const { layer, total, functions } of results) {
  console.log(
    `\n${layer}: ${Math.round(total / JOBS).toLocaleString('en')} instructions per job (window), top ${TOP}:`,
  );
  console.log(`${'inclusive'.padStart(10)} ${'self'.padStart(8)}  function`);
  const shown = functions.filter((f) => f.name.includes(MATCH)).sort((a, b) => b.inclusive - a.inclusive);
  for (const f of shown.slice(0, TOP))
    console.log(
      `${Math.round(f.inclusive / JOBS)
        .toLocaleString('en')
        .padStart(10)} ${Math.round(f.self / JOBS)
        .toLocaleString('en')
        .padStart(8)}  ${shortName(f.name)}`,
    );
}
