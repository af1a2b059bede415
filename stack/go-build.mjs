// Builds a Go main package and shows where it is: downloading modules (a count), then compiling
// (packages done of the total), with the time elapsed — on a terminal one line redrawn every second,
// elsewhere (CI logs) a line every ten seconds. The first native Jaeger build takes minutes; this is
// what tells the person waiting that it is working and why.
import { spawn } from 'node:child_process';

const elapsed = (t0) => {
  const s = Math.round((Date.now() - t0) / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
};

/** Runs `go <args>`; calls `onLine` for each stderr line; resolves with stdout, rejects with stderr. */
function go(args, { cwd, env, onLine }) {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        stderr += `${line}\n`;
        onLine?.(line);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (partial) onLine?.(partial);
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            `go ${args[0]} failed (exit ${code}):\n${(stderr + partial).trim().split('\n').slice(-30).join('\n')}`,
          ),
        );
    });
  });
}

/** Prints a changing status line: redrawn in place on a terminal, every `everyMs` elsewhere. */
function ticker({ label, tty, everyMs, write }) {
  let text = '';
  let last = 0;
  const draw = () => {
    if (tty) write(`\r\x1b[2K${label}: ${text}`);
    else if (Date.now() - last >= everyMs) write(`${label}: ${text}\n`);
    else return;
    last = Date.now();
  };
  const timer = setInterval(draw, tty ? 1000 : Math.max(100, Math.min(everyMs, 1000)));
  return {
    set(next) {
      text = next;
    },
    line(message) {
      if (tty) write('\r\x1b[2K');
      write(`${label}: ${message}\n`);
      last = Date.now();
    },
    stop() {
      clearInterval(timer);
      if (tty) write('\r\x1b[2K');
    },
  };
}

/**
 * Builds `pkg` (e.g. `./cmd/jaeger`) of the module in `dir` into `out`, printing progress.
 * @param {{ dir: string, pkg: string, out: string, env?: NodeJS.ProcessEnv, label?: string,
 *   ldflags?: string, write?: (text: string) => void, tty?: boolean, everyMs?: number }} options
 *   `write` defaults to stderr; `tty` to whether stderr is a terminal; `everyMs` (default 10000) is
 *   how often a line is printed when it is not.
 * @returns {Promise<{ seconds: number, downloaded: number, compiled: number, total: number }>}
 * @example
 * await goBuild({ dir: work, pkg: './cmd/jaeger', out: '/cache/jaeger', label: 'jaeger-build' });
 */
export async function goBuild(options) {
  const { dir, pkg, out, env = process.env, label = 'go-build', ldflags = '-s -w' } = options;
  const write = options.write ?? ((text) => process.stderr.write(text));
  const t0 = Date.now();
  const status = ticker({
    label,
    tty: options.tty ?? process.stderr.isTTY === true,
    everyMs: options.everyMs ?? 10_000,
    write,
  });
  try {
    let downloaded = 0;
    status.line('downloading modules');
    status.set(`downloading modules: none yet (${elapsed(t0)})`);
    const listed = await go(['list', '-deps', '-f', '{{.ImportPath}}', pkg], {
      cwd: dir,
      env,
      onLine: (line) => {
        if (!line.startsWith('go: downloading ')) return;
        downloaded += 1;
        status.set(`downloading modules: ${downloaded} (${line.slice('go: downloading '.length)}, ${elapsed(t0)})`);
      },
    });
    const total = listed.trim().split('\n').length;
    status.line(`${downloaded} modules downloaded (${elapsed(t0)}); compiling ${total} packages`);
    let compiled = 0;
    status.set(`compiling: 0 of ${total} packages (${elapsed(t0)})`);
    await go(['build', '-v', '-trimpath', '-ldflags', ldflags, '-o', out, pkg], {
      cwd: dir,
      env,
      onLine: (line) => {
        if (!/^[\w.\-/]+$/.test(line)) return;
        compiled += 1;
        status.set(`compiling: ${compiled} of ${total} packages (${elapsed(t0)})`);
      },
    });
    const seconds = (Date.now() - t0) / 1000;
    status.line(
      `built in ${elapsed(t0)} (${downloaded} modules downloaded, ${compiled} of ${total} packages compiled, the rest cached)`,
    );
    return { seconds, downloaded, compiled, total };
  } finally {
    status.stop();
  }
}
