#!/usr/bin/env node
// Builds the Jaeger v2 all-in-one binary from the Go module proxy, once, into a cache outside the repo
// (~/.cache/wideline/jaeger-v1.76.0/jaeger), and prints its path; later calls print the cached path.
// The first build takes minutes and shows its progress (stack/go-build.mjs).
//
// Why not `go install github.com/jaegertracing/jaeger/cmd/jaeger@<version>`: Go refuses `install pkg@v`
// for modules whose go.mod has a replace directive (Jaeger's does), and the module proxy reachable here
// serves tagged versions only, not bare commits. So we fetch the tagged module and build inside a copy of
// it, where its replace directive applies exactly as upstream intends.
//
// Module tag v1.76.0 is the same commit as Jaeger's v2.13.0 release; docker-compose.yml pins the matching
// image (jaegertracing/jaeger:2.13.0).
//
// Usage: node stack/jaeger-build.mjs   (progress on stderr, the binary's path on stdout)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goBuild } from './go-build.mjs';
import { which } from './processes.mjs';

export const JAEGER_MODULE = 'github.com/jaegertracing/jaeger';

/** Where the built binary lives for `env`. */
export function builtJaegerPath(env = process.env) {
  const version = env.JAEGER_MODULE_VERSION || 'v1.76.0';
  const cache = env.WIDELINE_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wideline');
  return { version, out: join(cache, `jaeger-${version}`, 'jaeger') };
}

/**
 * The cached Jaeger binary, built first when missing. Throws naming the fix when Go is missing or the
 * module proxy does not serve the module.
 */
export async function buildJaeger(env = process.env, write = (text) => process.stderr.write(text)) {
  const { version, out } = builtJaegerPath(env);
  if (existsSync(out)) return out;
  if (!which('go', env))
    throw new Error(
      "'go' is not on PATH. Install Go >= 1.24 (apt-get install golang-go, or from go.dev), or set JAEGER_BINARY to a Jaeger v2 release binary, or run the stack with Docker",
    );
  const label = 'jaeger-build';
  write(
    `${label}: building Jaeger (module ${version}) into ${out} — a one-time cost of a few minutes; every later start reuses it\n`,
  );
  write(`${label}: fetching the Jaeger module source\n`);
  let src;
  try {
    src = JSON.parse(
      execFileSync('go', ['mod', 'download', '-json', `${JAEGER_MODULE}@${version}`], { encoding: 'utf8', env }),
    ).Dir;
  } catch (error) {
    throw new Error(`could not download ${JAEGER_MODULE}@${version} from the Go module proxy: ${error.message}`);
  }
  const work = mkdtempSync(join(tmpdir(), 'wideline-jaeger-build-'));
  // A temp name of this process's own: two first-time builds at once (a CI run and a `pnpm stack up`)
  // each rename a whole binary into place, and rename is atomic, so neither sees the other's half.
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    cpSync(src, work, { recursive: true });
    // The module cache is read-only; `go build -mod=mod` writes go.sum in the copy.
    execFileSync('chmod', ['-R', 'u+w', work]);
    mkdirSync(join(out, '..'), { recursive: true });
    await goBuild({
      dir: work,
      pkg: './cmd/jaeger',
      out: tmp,
      env: { ...env, GOFLAGS: '-mod=mod' },
      label,
      write,
    });
    renameSync(tmp, out);
    write(`${label}: ${out} (${Math.round(statSync(out).size / 1e6)} MB); done, and not needed again\n`);
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(tmp, { force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(await buildJaeger());
  } catch (error) {
    console.error(`jaeger-build: ${error.message}`);
    process.exit(1);
  }
}
