// The stack a CLI invocation acts on: its folder, ports and services, and which route started it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeServices } from './native.mjs';
import { stackDir, stackPorts } from './services.mjs';

export const repo = dirname(dirname(fileURLToPath(import.meta.url)));

/** A bad command line: the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {}

export function context(env = process.env) {
  const ctx = { repo, env, dir: stackDir(repo, env), ports: stackPorts(env) };
  return { ...ctx, services: nativeServices(ctx), modeFile: join(ctx.dir, 'mode') };
}

/** 'docker' or 'native' when `up` started this stack, else undefined. */
export const mode = (ctx) => (existsSync(ctx.modeFile) ? readFileSync(ctx.modeFile, 'utf8') : undefined);

/** The services `names` picks (all when empty); throws on a name that is not a service. */
export function selected(ctx, names) {
  const unknown = names.filter((n) => !ctx.services.some((s) => s.name === n));
  if (unknown.length > 0) throw new UsageError(`unknown service ${unknown.join(', ')}`);
  return names.length === 0 ? ctx.services : ctx.services.filter((s) => names.includes(s.name));
}

/** The trace store settings `up` recorded (stack/native.mjs, or the Docker route), if any. */
export function recordedStore(ctx) {
  const file = join(ctx.dir, 'jaeger.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}
