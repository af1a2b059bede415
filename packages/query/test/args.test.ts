import { describe, expect, it } from 'vitest';
import { type CliEnvironment, parseCommandLine } from '../src/args.ts';
import { parseInstant, parseWhere } from '../src/format.ts';
import { formatDuration, MalformedTraceIdError, normalizeTraceId, parseDuration, UsageError } from '../src/index.ts';

const tty: CliEnvironment = { env: {}, isTTY: true, columns: 100 };
const parse = (argv: string[], environment = tty) => parseCommandLine(argv, environment);

describe('command line', () => {
  it('parses trace and why with global options', () => {
    const { command, options } = parse(['trace', 'abc', '--jaeger', 'http://jaeger:16686', '--no-color', '--timings']);
    expect(command).toEqual({ name: 'trace', traceId: 'abc', timings: true, follow: true });
    expect(options).toMatchObject({ jaegerUrl: 'http://jaeger:16686', color: false, json: false, width: 100 });
    expect(parse(['why', 'abc', '--json']).command).toEqual({ name: 'why', traceId: 'abc', follow: true });
    expect(parse(['why', 'abc', '--no-follow']).command).toEqual({ name: 'why', traceId: 'abc', follow: false });
    expect(parse(['why', 'abc', '--json']).options.color).toBe(false);
  });

  it('parses find with repeated --where, --errors and defaults', () => {
    const { command } = parse([
      'find',
      '--service',
      'jobs',
      '--where',
      'order.id=o-1',
      '-w',
      'http.status_code!=200',
      '--errors',
    ]);
    expect(command).toEqual({
      name: 'find',
      service: 'jobs',
      since: '15m',
      sinceUs: 15 * 60e6,
      where: ['order.id=o-1', 'http.status_code!=200'],
      source: { files: [] },
      errorsOnly: true,
      limit: 20,
      depth: 500,
    });
    expect(parse(['find', '-s', 'jobs', '--limit', '5']).command).toMatchObject({ limit: 5, depth: 5 });
  });

  it('parses stats', () => {
    expect(
      parse(['stats', '-s', 'api', '--by', 'http.route', '--percentiles', '50,p90,99.9', '--since', '2h']).command,
    ).toEqual({
      name: 'stats',
      service: 'api',
      by: 'http.route',
      percentiles: [50, 90, 99.9],
      since: '2h',
      sinceUs: 2 * 3600e6,
      where: [],
      source: { files: [] },
      depth: 1000,
    });
  });

  it('takes the Jaeger URL from WIDELINE_JAEGER_QUERY_URL and turns colour off for NO_COLOR or a pipe', () => {
    const env = { WIDELINE_JAEGER_QUERY_URL: 'http://other:16686', NO_COLOR: '1' };
    expect(parse(['why', 'a'], { env, isTTY: true, columns: undefined }).options).toMatchObject({
      jaegerUrl: 'http://other:16686',
      color: false,
      width: 120,
    });
    expect(parse(['why', 'a'], { env: {}, isTTY: false, columns: undefined }).options.color).toBe(false);
    expect(parse(['why', 'a'], { env: {}, isTTY: true, columns: undefined }).options.color).toBe(true);
    expect(parse(['why', 'a', '--jaeger', 'http://x:1'], { env, isTTY: true, columns: 80 }).options.jaegerUrl).toBe(
      'http://x:1',
    );
  });

  it('rejects bad input with a usage error that names the fix', () => {
    const bad: Array<[string[], RegExp]> = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['trace'], /needs a trace id/],
      [['trace', 'a', 'b'], /takes one trace id/],
      [['trace', 'a', '--bogus'], /Unknown option '--bogus'.*wideline trace --help/],
      [['find'], /needs --service/],
      [['find', '-s', 'x', '--since', 'yesterday'], /--since "yesterday" is not a duration/],
      [
        ['find', '-s', 'x', '--where', 'novalue'],
        /--where: expected an operator .* after "novalue", found the end \(at column 8\)/,
      ],
      [['stats', '-s', 'x', '--where', "colo = 'ewr' and"], /--where: expected a field name, found the end/],
      [['find', '-s', 'x', '--limit', '0'], /--limit "0" must be a positive whole number/],
      [['stats', '-s', 'x', '--percentiles', '50,150'], /--percentiles/],
      [['why', 'a', '--jaeger', 'localhost:16686'], /is not an http\(s\) URL/],
    ];
    for (const [argv, message] of bad) {
      expect(() => parse(argv), argv.join(' ')).toThrow(message);
      expect(() => parse(argv)).toThrow(UsageError);
    }
  });

  it('answers help and version', () => {
    expect(parse([]).command).toEqual({ name: 'help', topic: undefined });
    expect(parse(['find', '--help']).command).toEqual({ name: 'help', topic: 'find' });
    expect(parse(['--version']).command).toEqual({ name: 'version' });
  });
});

describe('values', () => {
  it('normalises trace ids as people paste them and rejects the rest', () => {
    const id = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(normalizeTraceId(id.toUpperCase())).toBe(id);
    expect(normalizeTraceId(`00-${id}-00f067aa0ba902b7-01`)).toBe(id);
    expect(normalizeTraceId(`http://localhost:16686/trace/${id}?uiFind=x`)).toBe(id);
    expect(normalizeTraceId('abc123')).toBe('00000000000000000000000000abc123');
    for (const bad of ['xyz', '', '0'.repeat(32), `${id}0`, 'g'.repeat(32)]) {
      expect(() => normalizeTraceId(bad)).toThrow(MalformedTraceIdError);
    }
  });

  it('parses and formats durations', () => {
    expect(parseDuration('1h30m', 'since')).toBe(90 * 60e6);
    expect(parseDuration('250ms', 'since')).toBe(250_000);
    expect(() => parseDuration('15 minutes', 'since')).toThrow(UsageError);
    expect(() => parseDuration('15', 'since')).toThrow(UsageError);
    expect([812, 12_345, 123_456, 1_240_000, 125_000_000].map(formatDuration)).toEqual([
      '812 µs',
      '12.3 ms',
      '123 ms',
      '1.24 s',
      '2m 05s',
    ]);
  });

  it('parses --until as an ISO time with its zone or epoch milliseconds, and names the fix otherwise', () => {
    expect(parseInstant('2026-12-01T21:20:00Z', 'until')).toBe(Date.UTC(2026, 11, 1, 21, 20) * 1000);
    expect(parseInstant('2026-12-01 22:20:00+01:00', 'until')).toBe(Date.UTC(2026, 11, 1, 21, 20) * 1000);
    expect(parseInstant('1796160000000', 'until')).toBe(1796160000000 * 1000);
    // Without a zone the instant would depend on the machine's time zone: refused.
    for (const bad of ['2026-12-01T21:20:00', 'yesterday', '15m', ''])
      expect(() => parseInstant(bad, 'until')).toThrow(
        /--until ".*" is not a time: use an ISO 8601 time with its zone/,
      );
  });

  it('keeps = signs inside --where values', () => {
    expect(parseWhere('query=a=b')).toEqual({ key: 'query', op: '=', value: 'a=b' });
  });
});
