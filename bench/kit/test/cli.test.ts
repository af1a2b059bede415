import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BenchResults } from '../src/samples.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** `pnpm bench …` as a process: what a user types, with private results and baseline directories. */
function bench(args: string[], dirs: { results: string; baseline: string }) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_RESULTS_DIR: dirs.results, BENCH_BASELINE_DIR: dirs.baseline },
  });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

function write(dir: string, commit: string, cpu: number[], ratio: number) {
  const results = new BenchResults('bullmq', { dir, commit, params: { jobs: 20_000 } });
  for (const value of cpu)
    results.add({ metric: 'cpu_per_job', variant: 'wideline', value, unit: 'µs', kind: 'latency' });
  results.add({ metric: 'cpu_per_job', variant: 'wideline / untraced', value: ratio, unit: '×', kind: 'latency' });
  results.add({ metric: 'throughput', variant: 'untraced', value: 20_000, unit: 'jobs/s', kind: 'throughput' });
  results.write();
}

describe('pnpm bench', () => {
  const root = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const dirs = { results: join(root, 'results'), baseline: join(root, 'baseline') };

  it('says what to run when there are no results yet', () => {
    const r = bench(['--compare'], dirs);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/no results in .*results: run the benchmarks first \(pnpm bench/);
  });

  it('says how to make a baseline when there is none', () => {
    write(dirs.results, 'aaa', [60, 61, 62], 1.5);
    const r = bench(['--compare'], dirs);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/no baseline in .*baseline: make one with pnpm bench --save-baseline/);
  });

  it('saves the results as the baseline, then finds nothing moved', () => {
    const saved = bench(['--save-baseline'], dirs);
    expect(saved.status).toBe(0);
    expect(saved.out).toMatch(/baseline of bullmq saved/);
    expect(existsSync(join(dirs.baseline, 'bullmq.json'))).toBe(true);
    const r = bench(['--compare'], dirs);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/3 metrics: 0 regressed .* 0 improved, 3 unchanged \(not shown; --all shows them\)/);
    expect(r.out).not.toMatch(/^status/m);
  });

  it('prints a table of what moved, regressions first, and exits 0: it reports, it does not gate', () => {
    write(dirs.results, 'bbb', [85, 88, 86], 1.2);
    const r = bench(['--compare'], dirs);
    expect(r.status).toBe(0);
    const lines = r.out.split('\n');
    const header = lines.findIndex((l) => l.startsWith('status'));
    expect(lines[header]).toMatch(/^status\s+benchmark\s+metric\s+variant\s+runtime\s+baseline\s+now\s+change/);
    expect(lines[header + 2]).toMatch(
      /^regression \(moderate\)\s+bullmq\s+cpu_per_job\s+wideline\s+node\s+61\.0 µs \(60\.0–62\.0 µs, n=3\)\s+86\.0 µs \(85\.0–88\.0 µs, n=3\)\s+41\.0 % worse/,
    );
    expect(lines[header + 3]).toMatch(
      /^improved\s+bullmq\s+cpu_per_job\s+wideline \/ untraced\s+node\s+1\.50×\s+1\.20×\s+20\.0 % better/,
    );
    expect(r.out).toMatch(
      /3 metrics: 1 regressed \(0 of them ratios to the same run's anchor\), 1 improved, 1 unchanged/,
    );
    expect(bench(['--compare', '--all'], dirs).out).toMatch(/^unchanged\s+bullmq\s+throughput\s+untraced/m);
  });

  it('refuses an unknown flag or benchmark package, listing the packages', () => {
    const flag = bench(['--fast'], dirs);
    expect(flag.status).toBe(1);
    expect(flag.err).toMatch(/unknown --fast/);
    const name = bench(['nonesuch'], dirs);
    expect(name.status).toBe(1);
    expect(name.err).toMatch(/no benchmark package nonesuch[\s\S]*bullmq, core/);
  });
});
