/**
 * Records this process's CPU clock with Linux `perf` over a window: `perf record -e task-clock -g
 * -p <pid>` attached when the window opens and stopped (SIGINT) when it closes, then `perf script`
 * read back and attributed with {@link perfLayers}. JavaScript frames have names only when Node runs
 * with `--perf-basic-prof` (see {@link perfNodeFlags}); without it they show as unknown code.
 *
 * @example
 * const window = await startPerf({ frequency: 2000 });
 * await work();
 * const { layers } = await window.stop();
 * @module
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PerfLayers, perfLayers } from './perf-layers.ts';

/** The Node flags that give perf the names of JavaScript functions. */
export const perfNodeFlags: readonly string[] = ['--perf-basic-prof', '--interpreted-frames-native-stack'];

/** Whether `perf record` works here; the reason when it does not. */
export function perfAvailable(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync('perf', ['record', '-e', 'task-clock', '-o', '/dev/null', '--', 'true'], {
    encoding: 'utf8',
  });
  if (probe.error) return { ok: false, reason: 'no perf on PATH (apt-get install linux-perf)' };
  if (probe.status !== 0) return { ok: false, reason: `perf record failed: ${probe.stderr.trim().split('\n').at(-1)}` };
  return { ok: true };
}

/** A running recording. */
export interface PerfWindow {
  /** Stops recording and attributes the samples (the recording file is removed). */
  stop(classify?: (pkg: string) => string): Promise<PerfLayers>;
}

/** Starts recording this process; resolves once perf is attached. */
export async function startPerf(options: { frequency?: number } = {}): Promise<PerfWindow> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-perf-'));
  const file = join(dir, 'perf.data');
  const args = ['record', '-e', 'task-clock', '-F', String(options.frequency ?? 2000), '-g', '-p', String(process.pid)];
  const child: ChildProcess = spawn('perf', [...args, '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // perf writes the file's header once it is attached; samples follow.
  for (let i = 0; i < 200 && !(existsSync(file) && statSync(file).size > 0); i++) {
    if (child.exitCode !== null) throw new Error(`perf record exited ${child.exitCode}: ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    async stop(classify) {
      child.kill('SIGINT');
      const code = await exited;
      if (code !== 0 && code !== null) throw new Error(`perf record exited ${code}: ${stderr.trim()}`);
      const text = execFileSync('perf', ['script', '-i', file], {
        encoding: 'utf8',
        maxBuffer: 1 << 30,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      rmSync(dir, { recursive: true, force: true });
      return perfLayers(text, classify);
    },
  };
}
