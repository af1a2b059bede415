import { describe, expect, it } from 'vitest';
import { healthcheckArgv, problems, simpleCommands } from './command-check.mjs';
import { IMAGES } from './images.mjs';

const JAEGER = IMAGES['jaegertracing/jaeger:2.13.0'];
const REDIS = IMAGES['redis:7.4-alpine'];
const SPOTLIGHT = IMAGES['ghcr.io/getsentry/spotlight:4.11.8'];
const BASH_PROBE =
  "exec 3<>/dev/tcp/localhost/8969 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && read -r status <&3 && [[ $status == *' 200 '* ]]";

describe('a command checked against an image’s programs', () => {
  it.each([
    // [what, image, health check test, expected problem (undefined: none)]
    [
      'the Spotlight check this table was made for: wget in a Debian slim image',
      SPOTLIGHT,
      ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://localhost:8969/health'],
      /wget: not in the image/,
    ],
    [
      'curl in the Spotlight image',
      SPOTLIGHT,
      ['CMD-SHELL', 'curl -f http://localhost:8969/health || exit 1'],
      /curl: not in the image/,
    ],
    [
      'bash /dev/tcp with builtins only in the Spotlight image',
      SPOTLIGHT,
      ['CMD', 'bash', '-c', BASH_PROBE],
      undefined,
    ],
    [
      'the same probe under sh (dash) in the Spotlight image',
      SPOTLIGHT,
      ['CMD', 'sh', '-c', BASH_PROBE],
      /only bash opens \/dev\/tcp/,
    ],
    ['bash in the Alpine-based Jaeger image', JAEGER, ['CMD', 'bash', '-c', BASH_PROBE], /bash: not in the image/],
    ['[[ ]] under busybox ash', JAEGER, ['CMD-SHELL', '[[ -e /tmp ]]'], /\[\[ … \]\]: a bash keyword/],
    [
      'busybox wget in the Jaeger image',
      JAEGER,
      ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://localhost:13133/status'],
      undefined,
    ],
    [
      'a CMD-SHELL pipeline: every command counts',
      REDIS,
      ['CMD-SHELL', 'redis-cli ping | grep -q PONG'],
      /grep: not in the image/,
    ],
    ['a command substitution counts too', REDIS, ['CMD-SHELL', 'test "$(redis-cli ping)" = PONG'], undefined],
    ['…and is checked', REDIS, ['CMD-SHELL', 'test "$(curl -s localhost)" = ok'], /curl: not in the image/],
    ['redis-cli in the Redis image', REDIS, ['CMD', 'redis-cli', 'ping'], undefined],
  ])('%s', (_what, facts, test, expected) => {
    const found = problems(healthcheckArgv(test, facts), facts);
    if (expected === undefined) expect(found).toEqual([]);
    else expect(found.join('\n')).toMatch(expected);
  });

  it('reads a script the way a shell does: quotes, redirections, assignments, operators', () => {
    const commands = simpleCommands(
      `A=1 exec 3<>'/dev/tcp/h/1' && printf "x;y" >&3 2>/dev/null; if true; then echo 'a && b'; fi | tee out`,
    );
    expect(commands.map((c) => c.program)).toEqual(['exec', 'printf', 'true', 'echo', 'tee']);
    expect(commands[0].redirections).toEqual(['/dev/tcp/h/1']);
    expect(commands[1].redirections).toEqual(['3', '/dev/null']);
  });

  it('NONE disables the check; an unknown form is an error', () => {
    expect(healthcheckArgv(['NONE'], REDIS)).toBeUndefined();
    expect(() => healthcheckArgv(['SHELL', 'x'], REDIS)).toThrow(/unknown health check form/);
  });
});
