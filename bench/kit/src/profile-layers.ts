/**
 * Where a V8 CPU profile's time went, by layer: each sample's time goes to the package whose code
 * was running (`node_modules/<package>/…`, or a workspace package `packages/<name>/…` as
 * `@wideline/<name>`). Time in Node's own JavaScript (`node:…`) and in natives (no URL: a socket
 * write, `JSON.stringify`, a regular expression) goes to the nearest caller that is a package, so
 * an HTTP request made by the OTLP exporter counts as export and a Redis write as ioredis. Microtask
 * and timer ticks that no package called show as `node`, the collector as `gc`, and `(idle)` apart.
 *
 * The profile comes from `node --cpu-prof` or an inspector session (`Profiler.stop`).
 *
 * @example
 * const { layers } = profileLayers(profile, groupLayers({ otel: ['@opentelemetry/api', '@opentelemetry/sdk-trace'] }));
 * layers.get('otel'); // µs
 * @module
 */

/** The parts of a `.cpuprofile` this reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

/** Time per layer and per function, in µs. */
export interface ProfileLayers {
  /** Every layer's total self time, idle included. */
  layers: Map<string, number>;
  /** `<layer>\t<function> <file>:<line>` → self time. */
  functions: Map<string, number>;
  /** Everything but idle. */
  busyUs: number;
}

const SPECIAL: Record<string, string> = {
  '(garbage collector)': 'gc',
  '(idle)': 'idle',
  '(program)': 'program',
  '(root)': 'node',
};

/** The package a script URL belongs to, or `undefined` for Node's own code and natives. */
export function packageOf(url: string): string | undefined {
  if (!url || url.startsWith('node:')) return undefined;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : scope;
  }
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace) return `@wideline/${workspace[1]}`;
  return url.slice(url.lastIndexOf('/') + 1) || url;
}

/** A classifier that maps packages to named layers; other packages keep their own name. */
export function groupLayers(groups: Record<string, readonly string[]>): (pkg: string) => string {
  const byPackage = new Map<string, string>();
  for (const [layer, packages] of Object.entries(groups)) for (const pkg of packages) byPackage.set(pkg, layer);
  return (pkg) => byPackage.get(pkg) ?? pkg;
}

/** Attributes a profile's samples to layers. */
export function profileLayers(profile: CpuProfile, classify: (pkg: string) => string = (pkg) => pkg): ProfileLayers {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const memo = new Map<number, string>();
  const layerOf = (id: number): string => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const frame = (nodes.get(id) as CpuProfile['nodes'][number]).callFrame;
    const special = frame.url ? undefined : SPECIAL[frame.functionName];
    const pkg = packageOf(frame.url);
    const parent = parents.get(id);
    const layer = special ?? (pkg !== undefined ? classify(pkg) : parent === undefined ? 'node' : layerOf(parent));
    memo.set(id, layer);
    return layer;
  };
  const layers = new Map<string, number>();
  const functions = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const layer = layerOf(id);
    layers.set(layer, (layers.get(layer) ?? 0) + us);
    if (layer !== 'idle') busyUs += us;
    const { functionName, url, lineNumber } = (nodes.get(id) as CpuProfile['nodes'][number]).callFrame;
    const file = url.slice(url.lastIndexOf('/') + 1);
    const key = `${layer}\t${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  });
  return { layers, functions, busyUs };
}
