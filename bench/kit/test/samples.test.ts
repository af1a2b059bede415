import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResultsDir, saveBaseline } from '../src/files.ts';
import { BenchResults, currentCommit } from '../src/samples.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'bench-kit-'));

describe('the sample writer', () => {
  it('writes every sample with its dimensions and the commit, and reads back as written', () => {
    const dir = temp();
    const results = new BenchResults('bullmq', { dir, commit: 'abc123', params: { jobs: 20_000 } });
    results.add({ metric: 'cpu_per_job', variant: 'untraced', value: 41.5, unit: 'µs', kind: 'latency' });
    results.add({ metric: 'cpu_per_job', variant: 'untraced', value: 42, unit: 'µs', kind: 'latency' });
    results.add({
      metric: 'cpu',
      variant: 'wideline',
      runtime: 'workerd',
      value: 120,
      unit: 'µs',
      kind: 'latency',
    });
    const path = results.write();
    expect(path).toBe(join(dir, 'bullmq.json'));
    const raw = JSON.parse(readFileSync(path, 'utf8'));
    expect(raw).toMatchObject({ schema: 1, benchmark: 'bullmq', commit: 'abc123', params: { jobs: 20_000 } });
    expect(raw.host.cpus).toBeGreaterThan(0);
    expect(raw.samples[0]).toEqual({
      metric: 'cpu_per_job',
      value: 41.5,
      unit: 'µs',
      kind: 'latency',
      dimensions: { benchmark: 'bullmq', variant: 'untraced', runtime: 'node' },
      commit: 'abc123',
    });
    expect(raw.samples[2].dimensions.runtime).toBe('workerd');
    expect(readResultsDir(dir)).toEqual([raw]);
  });

  it('refuses values that could not be compared', () => {
    const results = new BenchResults('core', { dir: temp(), commit: 'c' });
    const base = { metric: 'cpu', variant: 'wideline', unit: 'µs', kind: 'latency' as const };
    expect(() => results.add({ ...base, value: Number.NaN })).toThrow(/core cpu \(wideline\) is NaN/);
    expect(() => results.add({ ...base, value: Infinity })).toThrow(/not a finite number/);
    expect(() => results.add({ ...base, value: 1, kind: 'speed' as never })).toThrow(/use one of throughput/);
    expect(() => results.add({ ...base, value: 1, unit: '' })).toThrow(/needs a metric, a unit/);
    results.add({ ...base, value: 1 });
    expect(() => results.add({ ...base, value: 1000, unit: 'ns' })).toThrow(
      /was latency in µs, now latency in ns; one metric has one unit and kind/,
    );
    expect(() => new BenchResults('Core Pipeline')).toThrow(/not a benchmark name/);
  });

  it('records the checked-out commit, marked dirty when tracked files changed', () => {
    const repo = temp();
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
    expect(currentCommit(repo)).toBe('unknown');
    git('init', '-q');
    writeFileSync(join(repo, 'a.txt'), 'a');
    git('add', 'a.txt');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'a');
    const head = git('rev-parse', 'HEAD');
    writeFileSync(join(repo, 'untracked.json'), '{}');
    expect(currentCommit(repo)).toBe(head);
    writeFileSync(join(repo, 'a.txt'), 'b');
    expect(currentCommit(repo)).toBe(`${head}+dirty`);
  });
});

describe('results files', () => {
  it('rejects a malformed file, naming it and the fix', () => {
    const dir = temp();
    writeFileSync(join(dir, 'x.json'), '{"schema":1,"benchmark":"x","samples":[{"metric":"m","value":"7"}]}');
    expect(() => readResultsDir(dir)).toThrow(/x\.json: a malformed sample.*rerun the benchmark/);
    writeFileSync(join(dir, 'x.json'), 'not json');
    expect(() => readResultsDir(dir)).toThrow(/x\.json: not JSON/);
    writeFileSync(join(dir, 'x.json'), '{"schema":1,"benchmark":"y","samples":[]}');
    expect(() => readResultsDir(dir)).toThrow(/x\.json: holds benchmark 'y'/);
  });

  it('reads no results from a directory that does not exist', () => {
    expect(readResultsDir(join(temp(), 'none'))).toEqual([]);
  });

  it('saves results as the baseline, all of them or the named ones', () => {
    const results = temp();
    const baseline = join(temp(), 'baseline');
    for (const name of ['bullmq', 'core-pipeline']) {
      const r = new BenchResults(name, { dir: results, commit: 'c' });
      r.add({ metric: 'm', variant: 'v', value: 1, unit: 'µs', kind: 'latency' });
      r.write();
    }
    expect(saveBaseline(results, baseline, ['bullmq'])).toEqual(['bullmq']);
    expect(readResultsDir(baseline).map((f) => f.benchmark)).toEqual(['bullmq']);
    expect(saveBaseline(results, baseline)).toEqual(['bullmq', 'core-pipeline']);
    expect(() => saveBaseline(results, baseline, ['worker'])).toThrow(/no results for 'worker'.*pnpm bench worker/);
  });
});
