// The progress the first native Jaeger build shows, on a small real build: a module that needs one
// dependency, fetched into an empty module cache (from the local cache through GOPROXY=file://, so no
// network), with a package of its own that nothing has compiled yet.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goBuild } from './go-build.mjs';

const repo = join(import.meta.dirname, '..');
const scratch = mkdtempSync(join(tmpdir(), 'wideline-go-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function smallModule() {
  const dir = join(scratch, 'module');
  mkdirSync(join(dir, 'words'), { recursive: true });
  const sum = readFileSync(join(repo, 'stack', 'compose-check', 'go.sum'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('github.com/mattn/go-shellwords v1.0.12'));
  writeFileSync(
    join(dir, 'go.mod'),
    'module example.com/small\n\ngo 1.24\n\nrequire github.com/mattn/go-shellwords v1.0.12\n',
  );
  writeFileSync(join(dir, 'go.sum'), `${sum.join('\n')}\n`);
  // A constant no build cache has seen, so the package is really compiled.
  writeFileSync(join(dir, 'words', 'words.go'), `package words\n\nconst Build = "${Date.now()}-${Math.random()}"\n`);
  writeFileSync(
    join(dir, 'main.go'),
    'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/small/words"\n\t"github.com/mattn/go-shellwords"\n)\n\nfunc main() {\n\targs, _ := shellwords.Parse("a b")\n\tfmt.Println(len(args), words.Build)\n}\n',
  );
  return dir;
}

describe('goBuild: progress of a Go build', () => {
  it('says it is downloading modules, then compiling n of N packages, with the time elapsed', async () => {
    const dir = smallModule();
    const realCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
    const env = {
      ...process.env,
      GOMODCACHE: join(scratch, 'modcache'),
      GOPROXY: `file://${realCache}/cache/download`,
      GOFLAGS: '-mod=mod',
      GOSUMDB: 'off',
    };
    let output = '';
    const out = join(scratch, 'small');
    const result = await goBuild({
      dir,
      pkg: '.',
      out,
      env,
      label: 'small-build',
      tty: false,
      everyMs: 0,
      write: (t) => (output += t),
    });

    expect(existsSync(out)).toBe(true);
    expect(execFileSync(out, { encoding: 'utf8' })).toMatch(/^2 /);
    expect(result.downloaded).toBe(1);
    expect(result.compiled).toBeGreaterThanOrEqual(2); // its own two packages at least
    expect(result.total).toBeGreaterThan(result.compiled - 1);
    const lines = output.trim().split('\n');
    expect(lines[0]).toBe('small-build: downloading modules');
    expect(output).toMatch(/small-build: 1 modules downloaded \(\d+s\); compiling \d+ packages/);
    expect(output).toMatch(/small-build: compiling: \d+ of \d+ packages \(\d+s\)/);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^small-build: built in \\d+s \\(1 modules downloaded, ${result.compiled} of ${result.total} packages compiled, the rest cached\\)$`,
      ),
    );
  });

  it('fails with the compiler’s own message', async () => {
    const dir = join(scratch, 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'go.mod'), 'module example.com/broken\n\ngo 1.24\n');
    writeFileSync(join(dir, 'main.go'), 'package main\n\nfunc main() { undefinedThing() }\n');
    await expect(
      goBuild({ dir, pkg: '.', out: join(scratch, 'broken-bin'), label: 'b', write: () => {} }),
    ).rejects.toThrow(/go build failed \(exit 1\):[\s\S]*undefined: undefinedThing/);
  });
});
