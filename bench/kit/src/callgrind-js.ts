/**
 * Names the JavaScript functions in a callgrind profile of Node. Callgrind knows only ELF symbols, so
 * V8's generated code shows as bare addresses (`0x00000000281df6c0`), one "function" per entry
 * block. Node run with `--perf-basic-prof` writes `/tmp/perf-<pid>.map` (start, size, name of each
 * code object); this rewrites the profile's function names through that map, so that every block of
 * one JavaScript function carries its name, and drops the calls a function makes into itself (jumps
 * between its own blocks, which callgrind records as calls) so that `callgrind_annotate
 * --inclusive=yes` adds each function's cost once.
 *
 * @example
 * // valgrind --tool=callgrind --dump-instr=yes --separate-recs=1 --callgrind-out-file=out \
 * //   node --perf-basic-prof --interpreted-frames-native-stack app.js
 * writeFileSync('named.out', nameJsFunctions(readFileSync('out.1', 'utf8'), readFileSync(`/tmp/perf-${pid}.map`, 'utf8')));
 * // callgrind_annotate --inclusive=yes named.out
 * @module
 */

import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

interface CodeRange {
  start: number;
  end: number;
  name: string;
}

/** The perf map's ranges, later entries first (an address reused by newer code takes its newest name). */
function parsePerfMap(map: string): CodeRange[] {
  const ranges: CodeRange[] = [];
  for (const line of map.split('\n')) {
    const match = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (!match) continue;
    const start = Number.parseInt(match[1] as string, 16);
    // `JS:^name url:line:col`: the tier mark (~ ^ + * ') goes, so that every tier of a function is one.
    const name = (match[3] as string).replace(/^JS:[~^+*']+/, 'JS:');
    ranges.push({ start, end: start + Number.parseInt(match[2] as string, 16), name });
  }
  return ranges.reverse();
}

/**
 * A lookup from an address to the name of the JavaScript code object holding it, from the text of a
 * `--perf-basic-prof` map (the newest name where an address was reused; tier marks dropped).
 */
export function perfMapLookup(perfMap: string): (address: number) => string | undefined {
  return lookup(parsePerfMap(perfMap));
}

function lookup(ranges: CodeRange[]): (address: number) => string | undefined {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const newest = new Map(ranges.map((r, i) => [r, i]));
  return (address) => {
    let lo = 0;
    let hi = sorted.length - 1;
    let best: CodeRange | undefined;
    // Binary search for the last range starting at or before the address, then scan back for
    // overlapping older or newer entries and keep the newest one that holds it.
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as CodeRange).start <= address) lo = mid + 1;
      else hi = mid - 1;
    }
    for (let i = hi; i >= 0 && i > hi - 64; i--) {
      const r = sorted[i] as CodeRange;
      if (address < r.end && (!best || (newest.get(r) ?? 0) < (newest.get(best) ?? 0))) best = r;
    }
    return best?.name;
  };
}

const NAME_RE = /^(c?fn)=\((\d+)\)(?: (.*))?$/;
const HEX_NAME_RE = /^0x([0-9a-f]+)(?:'\d+)?$/;

/** The profile with generated code named from the perf map and self-calls removed. */
export function nameJsFunctions(profile: string, perfMap: string): string {
  const nameOf = perfMapLookup(perfMap);
  const names = new Map<string, string>();
  const out: string[] = [];
  let current = '';
  let callee = '';
  let skipNext = false;
  for (const line of profile.split('\n')) {
    if (skipNext) {
      skipNext = false;
      continue;
    }
    const match = NAME_RE.exec(line);
    if (match) {
      const [, kind, id, raw] = match as unknown as [string, string, string, string | undefined];
      if (raw !== undefined) {
        const hex = HEX_NAME_RE.exec(raw);
        const named = hex ? (nameOf(Number.parseInt(hex[1] as string, 16)) ?? raw) : raw.replace(/'\d+$/, '');
        names.set(id, named);
      }
      const name = names.get(id) ?? '';
      if (kind === 'fn') current = name;
      else callee = name;
      out.push(`${kind}=(${id}) ${name}`);
      continue;
    }
    if (line.startsWith('calls=') && callee === current) {
      skipNext = true;
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}

/** Self and inclusive instructions of one function, over the counted window. */
export interface FunctionCost {
  name: string;
  inclusive: number;
  self: number;
}

/**
 * Runs `command` (a Node command line; `--perf-basic-prof --interpreted-frames-native-stack` are
 * added after the executable) under callgrind, like {@link countInstructions}, and resolves to the
 * cost of every function in its last counted window, JavaScript functions named, from
 * `callgrind_annotate --inclusive=yes`. `keep` saves the named profile there, for
 * `callgrind_annotate --tree=caller`.
 */
export async function profileFunctions(
  command: readonly string[],
  options: { env?: NodeJS.ProcessEnv; keep?: string } = {},
): Promise<{ total: number; functions: FunctionCost[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-callgrind-js-'));
  const out = join(dir, 'callgrind.out');
  const [node, ...rest] = command;
  const args = [
    '--tool=callgrind',
    '--instr-atstart=no',
    '--dump-instr=yes',
    '--separate-recs=1',
    `--callgrind-out-file=${out}`,
    node as string,
    '--perf-basic-prof',
    '--interpreted-frames-native-stack',
    ...rest,
  ];
  try {
    await promisify(execFile)('valgrind', args, { encoding: 'utf8', maxBuffer: 1 << 28, env: options.env });
    let last = 0;
    while (existsSync(`${out}.${last + 1}`)) last++;
    if (last === 0) throw new Error(`no counted window in ${out}.*`);
    const profile = readFileSync(`${out}.${last}`, 'utf8');
    const pid = /^pid: (\d+)/m.exec(profile)?.[1];
    const map = `/tmp/perf-${pid}.map`;
    const named = join(dir, 'named.out');
    writeFileSync(named, nameJsFunctions(profile, readFileSync(map, 'utf8')));
    if (options.keep) copyFileSync(named, options.keep);
    rmSync(map, { force: true });
    const self = annotate(named, false);
    const inclusive = annotate(named, true);
    const total = Number(/^totals: (\d+)/m.exec(profile)?.[1] ?? Number.NaN);
    const functions = [...inclusive].map(([name, cost]) => ({ name, inclusive: cost, self: self.get(name) ?? 0 }));
    return { total, functions };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `callgrind_annotate`'s per-function figures: name → instructions. */
function annotate(file: string, inclusive: boolean): Map<string, number> {
  const text = execFileSync(
    'callgrind_annotate',
    [`--inclusive=${inclusive ? 'yes' : 'no'}`, '--threshold=100', file],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  const costs = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^\s*([\d,]+) \([^)]*\)\s+(?:\?\?\?|[^:]*):(.*?)(?: \[[^\]]*\])?$/.exec(line);
    if (match) costs.set(match[2] as string, Number((match[1] as string).replaceAll(',', '')));
  }
  return costs;
}
