// Instructions per span by function, from one callgrind window of a `--child` of instructions.mjs
// run by hand with `--dump-instr=yes` and node's `--perf-basic-prof --interpreted-frames-native-stack`
// (so JIT code's addresses have names in /tmp/perf-<pid>.map). JIT code is named from the perf map;
// a native function's own cost goes to its callers in proportion to their call counts (gprof's
// rule), up the call graph until it reaches JavaScript; what never reaches it (V8's compiler and GC
// threads, the event loop) is listed apart. Inlined functions count for the function they were
// inlined into. Not part of `pnpm bench`.
//
//   valgrind --tool=callgrind --instr-atstart=no --dump-instr=yes --callgrind-out-file=/tmp/wl.out \
//     node --perf-basic-prof --interpreted-frames-native-stack instructions.mjs --child wideline
//   node functions.mjs /tmp/wl.out.1 /tmp/perf-<pid>.map 10000 80
import { readFileSync } from 'node:fs';
import { perfMapLookup } from '@wideline/bench-kit';

const [out, mapFile, spansArg, topArg] = process.argv.slice(2);
const spans = Number(spansArg);
const TOP = Number(topArg ?? 60);

// JIT code's names, from the perf map
const jsAt = perfMapLookup(readFileSync(mapFile, 'utf8'));

/** The Map under `key` of `map`, made on first use. */
function entry(map, key) {
  const existing = map.get(key);
  if (existing) return existing;
  const made = new Map();
  map.set(key, made);
  return made;
}

// callgrind parse
const names = { fn: new Map(), ob: new Map() };
function named(kind, spec) {
  const m = /^\((\d+)\)(?: (.*))?$/.exec(spec);
  if (!m) return spec;
  if (m[2] !== undefined) names[kind].set(m[1], m[2]);
  return names[kind].get(m[1]);
}
const nodes = new Map(); // key -> {self, arcs: Map<calleeKey, cost>, js}
function node(key) {
  const existing = nodes.get(key);
  if (existing) return existing;
  const n = { self: 0, arcs: new Map() };
  nodes.set(key, n);
  return n;
}
const lines = readFileSync(out, 'utf8').split('\n');
let ob = '';
let fn = '';
let cob = '';
let cfn = '';
let last = 0;
let pendingCall = false;
let callCount = 0;
const jsSelf = new Map();
const jsArcs = []; // [jsName, calleeKey, cost]
function pos(tok) {
  if (tok === '*') return last;
  if (tok[0] === '+') return last + Number.parseInt(tok.slice(1), 16);
  if (tok[0] === '-') return last - Number.parseInt(tok.slice(1), 16);
  return Number.parseInt(tok, 16);
}
const isJit = (o) => o === '???';
function keyOf(o, f) {
  return `${o}|${f}`;
}
let total = 0;
for (const line of lines) {
  if (line.startsWith('ob=')) ob = named('ob', line.slice(3));
  else if (line.startsWith('fn=')) {
    fn = named('fn', line.slice(3));
    cob = ob;
  } else if (line.startsWith('cob=')) cob = named('ob', line.slice(4));
  else if (line.startsWith('cfn=')) cfn = named('fn', line.slice(4));
  else if (line.startsWith('calls=')) {
    pendingCall = true;
    callCount = Number(line.slice(6).split(' ')[0]);
  } else if (/^(0x|[+*-]|\d)/.test(line)) {
    const [p, , c] = line.split(' ');
    const addr = pos(p);
    last = addr;
    const cost = Number(c ?? 0);
    const callerKey = keyOf(ob, fn);
    const callerJs = isJit(ob) ? (jsAt(addr) ?? '(jit ?)') : undefined;
    if (pendingCall) {
      pendingCall = false;
      const calleeKey = keyOf(cob, cfn);
      const w = callCount;
      node(callerKey).arcs.set(calleeKey, (node(callerKey).arcs.get(calleeKey) ?? 0) + w);
      if (callerJs) jsArcs.push([callerJs, calleeKey, w]);
      cob = ob;
    } else {
      total += cost;
      node(callerKey).self += cost;
      if (callerJs) jsSelf.set(callerJs, (jsSelf.get(callerJs) ?? 0) + cost);
    }
  }
}

// gprof-style: each native function's self cost goes to its callers in proportion to their call
// counts, up the graph until it reaches JavaScript (perf-map symbols).
const incoming = new Map(); // nativeKey -> Map(callerKey('js:'+name | nativeKey) -> cost)
for (const [key, n] of nodes) {
  if (key.startsWith('???|')) continue;
  for (const [callee, c] of n.arcs) {
    if (callee.startsWith('???|') || callee === key) continue;
    const m = entry(incoming, callee);
    m.set(key, (m.get(key) ?? 0) + c);
  }
}
for (const [js, callee, c] of jsArcs) {
  if (callee.startsWith('???|')) continue;
  const m = entry(incoming, callee);
  m.set(`js:${js}`, (m.get(`js:${js}`) ?? 0) + c);
}
const attributed = new Map(jsSelf);
const nativeOf = new Map();
const leftover = new Map();
// mass: Map(nativeKey -> Map(originNative -> cost)) — track the origin for reporting
let mass = new Map();
const topNatives = new Set(
  [...nodes]
    .filter(([k]) => !k.startsWith('???|'))
    .sort((a, b) => b[1].self - a[1].self)
    .slice(0, 3000)
    .map(([k]) => k),
);
for (const [key, n] of nodes)
  if (!key.startsWith('???|') && n.self > 0)
    mass.set(key, new Map([[topNatives.has(key) ? key : 'x|(other natives)', n.self]]));
for (let round = 0; round < 60 && mass.size > 0; round++) {
  const next = new Map();
  for (const [key, origins] of mass) {
    const callers = incoming.get(key);
    let sum = 0;
    if (callers) for (const c of callers.values()) sum += c;
    if (!callers || sum === 0) {
      for (const [o, v] of origins) leftover.set(o, (leftover.get(o) ?? 0) + v);
      continue;
    }
    for (const [caller, c] of callers) {
      const f = c / sum;
      if (caller.startsWith('js:')) {
        const js = caller.slice(3);
        const m = entry(nativeOf, js);
        for (const [o, v] of origins) {
          attributed.set(js, (attributed.get(js) ?? 0) + v * f);
          const on = o.split('|')[1];
          m.set(on, (m.get(on) ?? 0) + v * f);
        }
      } else {
        const m = entry(next, caller);
        for (const [o, v] of origins) m.set(o, (m.get(o) ?? 0) + v * f);
      }
    }
  }
  mass = next;
}
for (const [, origins] of mass) for (const [o, v] of origins) leftover.set(o, (leftover.get(o) ?? 0) + v);
let jsTotal = 0;
for (const v of attributed.values()) jsTotal += v;
console.log(
  `total ${total} (${(total / spans).toFixed(0)}/span); attributed to JS ${(jsTotal / spans).toFixed(0)}/span`,
);

function pkgOf(name) {
  const m = /node_modules\/(@[^/]+\/[^/]+|[^@/][^/]*)\/(?!.*node_modules)/.exec(name);
  if (m) return m[1];
  if (/packages\/core\//.test(name)) return '@wideline/core';
  if (/bench\/core\//.test(name)) return 'bench';
  if (/ node:/.test(name)) return 'node';
  if (name.startsWith('Builtin:')) return 'builtin';
  return 'other';
}
const byPkg = new Map();
for (const [js, v] of attributed) byPkg.set(pkgOf(js), (byPkg.get(pkgOf(js)) ?? 0) + v);
console.log('\nby package (instructions/span):');
for (const [p, v] of [...byPkg].sort((a, b) => b[1] - a[1]))
  console.log(`  ${(v / spans).toFixed(0).padStart(7)}  ${p}`);
console.log(`  ${((total - jsTotal) / spans).toFixed(0).padStart(7)}  (native not under JS: event loop, GC, ...)`);
for (const [n, v] of [...leftover].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.LEFT ?? 8)))
  console.log(`      ${(v / spans).toFixed(0).padStart(7)}  ${n.split('|')[1]}`);

// merge tiers of the same function
const merged = new Map();
const short = (js) =>
  js
    .replace(/^JS:[~^+*']?/, '')
    .replace(/file:\/\/\/work\/wt\/corepipe\//, '')
    .replace(/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
for (const [js, v] of attributed) merged.set(short(js), (merged.get(short(js)) ?? 0) + v);
console.log(`\ntop ${TOP} functions (self + native callees):`);
for (const [js, v] of [...merged].sort((a, b) => b[1] - a[1]).slice(0, TOP))
  console.log(`  ${(v / spans).toFixed(0).padStart(7)}  ${js}`);
if (process.env.NATIVES) {
  const want = new RegExp(process.env.NATIVES);
  for (const [js, m] of nativeOf) {
    if (!want.test(js)) continue;
    console.log(`\n${short(js)}: self ${(jsSelf.get(js) / spans || 0).toFixed(0)}`);
    for (const [n, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, 12))
      console.log(`    ${(v / spans).toFixed(0).padStart(7)}  ${n}`);
  }
}
