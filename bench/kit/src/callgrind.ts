/**
 * Instruction counts from valgrind's callgrind, over a window the benchmark opens and closes itself:
 * a child process runs under `valgrind --tool=callgrind --instr-atstart=no` (nothing counted, and
 * faster, while it warms up), switches counting on with `callgrind_control -i on` when its measured
 * window opens, and dumps the window's totals when it closes. An instruction count does not move
 * with the machine's load, so on a shared machine it tells a 3 % change from noise where CPU time
 * cannot; it is not time (a cache miss costs more than an add), so it goes beside CPU-time ratios,
 * not instead of them. Every thread of the process counts (V8's compiler and GC helpers included);
 * child processes (an OTLP receiver, Redis) do not.
 *
 * @example
 * // in the child, under valgrind:
 * await callgrindWindow.open();
 * await work();
 * await callgrindWindow.close();
 * // in the parent:
 * const { instructions, stdout } = await countInstructions([process.execPath, 'child.mjs']);
 * @module
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `callgrind_control` on this process; resolves when valgrind answered (the event loop keeps running). */
function control(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('callgrind_control', [...args, String(process.pid)], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`callgrind_control ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** The measured window of a process running under {@link countInstructions}. */
export const callgrindWindow = {
  open: (): Promise<void> => control('-i', 'on'),
  close: async (): Promise<void> => {
    await control('-d', 'window');
    await control('-i', 'off');
  },
};

let runs = 0;

/** Totals of every window the process closed, in order (`<out>.1`, `<out>.2`, …). */
function windowTotals(out: string): number[] {
  const totals: number[] = [];
  for (let n = 1; existsSync(`${out}.${n}`); n++) {
    const match = /^totals: (\d+)/m.exec(readFileSync(`${out}.${n}`, 'utf8'));
    totals.push(match ? Number(match[1]) : Number.NaN);
    rmSync(`${out}.${n}`, { force: true });
  }
  return totals;
}

/**
 * Runs `command` under callgrind and resolves to the instructions counted in its windows (see
 * {@link callgrindWindow}): `instructions` is the last window's, `windows` every window's in order,
 * and what it printed on stdout. Rejects when valgrind is missing, the command fails, or it never
 * opened and closed a window.
 */
export function countInstructions(
  command: readonly string[],
): Promise<{ instructions: number; windows: number[]; stdout: string }> {
  const out = join(tmpdir(), `bench-callgrind-${process.pid}-${runs++}`);
  const args = ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`, ...command];
  return new Promise((resolve, reject) => {
    const proc = spawn('valgrind', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => {
      stdout += d;
    });
    proc.stderr.on('data', (d) => {
      stderr += d;
    });
    proc.on('error', (error) => reject(new Error(`valgrind: ${error.message} (apt-get install valgrind)`)));
    proc.on('exit', (code) => {
      try {
        const windows = windowTotals(out);
        if (code !== 0) throw new Error(`valgrind ${command.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`);
        const last = windows.at(-1);
        if (last === undefined || Number.isNaN(last)) throw new Error(`no window totals in ${out}.*`);
        resolve({ instructions: last, windows, stdout });
      } catch (error) {
        reject(error);
      } finally {
        rmSync(out, { force: true });
      }
    });
  });
}
