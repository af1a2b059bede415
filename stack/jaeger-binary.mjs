// Which `jaeger` binary the native route runs: the one `JAEGER_BINARY` names, else a `jaeger` on PATH
// (a Jaeger v2 release binary, which carries the UI), else the one built once from the Go module proxy
// (stack/jaeger-build.mjs), whose UI is a placeholder page.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { buildJaeger } from './jaeger-build.mjs';
import { which } from './processes.mjs';

/** The Jaeger release docker-compose.yml pins and the build compiles. */
export const PINNED_JAEGER = 'v2.13.0';

const isExecutableFile = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** `jaeger version` prints `{"gitCommit":…,"gitVersion":…}`; undefined when `bin` does not. */
function reportedVersion(bin) {
  const run = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 10_000 });
  const line = `${run.stdout ?? ''}`.trim().split('\n').at(-1) ?? '';
  try {
    const parsed = JSON.parse(line);
    return typeof parsed.gitVersion === 'string' ? parsed.gitVersion : undefined;
  } catch {
    return undefined;
  }
}

function checked(path, source) {
  const version = reportedVersion(path);
  const from = source === 'JAEGER_BINARY' ? `JAEGER_BINARY=${path}` : `${path} (jaeger on PATH)`;
  if (version === undefined)
    throw new Error(
      `${from} does not answer \`jaeger version\` like a Jaeger v2 binary. Point JAEGER_BINARY at the jaeger binary of a Jaeger v2 release (${PINNED_JAEGER} is pinned), or unset it to build Jaeger from the Go module proxy`,
    );
  if (/^v1\./.test(version))
    throw new Error(
      `${from} is Jaeger ${version}; the stack's config (stack/jaeger.yaml) needs Jaeger v2 (${PINNED_JAEGER} is pinned)`,
    );
  return { path, source, version: version || 'unknown' };
}

/**
 * Finds (or builds) the Jaeger binary. Throws, naming the variable and the fix, when `JAEGER_BINARY`
 * is set but unusable.
 * @returns {Promise<{ path: string, source: 'JAEGER_BINARY' | 'PATH' | 'build', version: string }>}
 */
export async function findJaeger(env = process.env) {
  const named = env.JAEGER_BINARY;
  if (named) {
    if (!isExecutableFile(named))
      throw new Error(
        `JAEGER_BINARY=${named} is not an executable file. Point it at the jaeger binary from a Jaeger v2 release (${PINNED_JAEGER} is pinned), or unset it`,
      );
    return checked(named, 'JAEGER_BINARY');
  }
  const onPath = which('jaeger', env);
  if (onPath) return checked(onPath, 'PATH');
  return { path: await buildJaeger(env), source: 'build', version: PINNED_JAEGER };
}

/** The Jaeger UI at `url` is the placeholder a binary without UI assets serves. */
export async function servesPlaceholderUi(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return (await res.text()).includes('This is not the Jaeger UI');
  } catch {
    return false;
  }
}
