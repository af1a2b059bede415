import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/run.ts';

// An old Jaeger (before 1.35): no /api/v3 route, only the legacy JSON API.
const ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const now = Date.now() * 1000;
const legacyTrace = {
  traceID: ID,
  spans: [
    {
      traceID: ID,
      spanID: '00f067aa0ba902b7',
      operationName: 'GET /orders',
      references: [],
      startTime: now - 5_000_000,
      duration: 12_000,
      tags: [
        { key: 'span.kind', type: 'string', value: 'server' },
        { key: 'http.route', type: 'string', value: '/orders' },
      ],
      logs: [],
      processID: 'p1',
    },
    {
      traceID: ID,
      spanID: '00f067aa0ba902b8',
      operationName: 'send jobs',
      references: [{ refType: 'CHILD_OF', traceID: ID, spanID: '00f067aa0ba902b7' }],
      startTime: now - 4_999_000,
      duration: 5_000,
      tags: [
        // A producer: the trace added a job, so `trace` looks for the job's later attempts.
        { key: 'span.kind', type: 'string', value: 'producer' },
        { key: 'otel.status_code', type: 'string', value: 'ERROR' },
        { key: 'otel.status_description', type: 'string', value: 'deadlock' },
      ],
      logs: [],
      processID: 'p1',
    },
  ],
  processes: { p1: { serviceName: 'old-api', tags: [] } },
};

let server: Server;
let url = '';
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === `/api/traces/${ID}` || path === '/api/traces') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: [legacyTrace], errors: null }));
    } else if (path.startsWith('/api/traces/')) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: null, errors: [{ code: 404, msg: 'trace not found' }] }));
    } else res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli([...args, '--jaeger', url], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
  });
  return { code, stdout, stderr };
}

describe('runCli against a Jaeger without /api/v3', () => {
  it('draws the trace through the legacy API and says so', async () => {
    requests.length = 0;
    const { code, stdout } = await cli(['trace', ID]);
    expect(code).toBe(0);
    // The trace, then the search for later attempts (the legacy search is the one that filters by attribute).
    expect(requests.slice(0, 2)).toEqual([`/api/v3/traces/${ID}`, `/api/traces/${ID}`]);
    const search = new URL(requests[2] ?? '', 'http://x');
    expect([search.pathname, search.searchParams.get('service'), search.searchParams.get('tags')]).toEqual([
      '/api/traces',
      'old-api',
      JSON.stringify({ 'wideline.origin.trace_id': ID }),
    ]);
    expect(stdout).toMatch(/^old-api\s+└─ send jobs ✗\s+5\.00 ms/m);
    expect(stdout).toContain('✗ deadlock');
    expect(stdout).toContain('(read through the legacy /api: link attributes are not available)');
  });

  it('finds and computes stats through the legacy search', async () => {
    requests.length = 0;
    const found = await cli(['find', '-s', 'old-api', '--errors', '--json']);
    expect(JSON.parse(found.stdout)).toMatchObject([{ traceId: ID, rootName: 'GET /orders', spans: 2, errors: 1 }]);
    const legacySearch = new URL(`http://x${requests[1]}`);
    expect(legacySearch.pathname).toBe('/api/traces');
    expect(legacySearch.searchParams.get('service')).toBe('old-api');
    expect(legacySearch.searchParams.get('limit')).toBe('500');
    const stats = await cli(['stats', '-s', 'old-api', '--by', 'http.route', '--json']);
    expect(JSON.parse(stats.stdout).groups).toEqual([
      {
        key: '/orders',
        count: 1,
        weightedCount: 1,
        weightedErrors: 0,
        percentiles: { p50: 12_000, p95: 12_000, p99: 12_000 },
      },
    ]);
  });

  it('maps the legacy not-found answer to exit code 4', async () => {
    const { code, stderr } = await cli(['why', 'abcdef']);
    expect(code).toBe(4);
    expect(stderr).toContain(`Trace 00000000000000000000000000abcdef is not in Jaeger at ${url}`);
  });
});

// On exit, the child reports whether Node loaded fetch's implementation (undici) and whether chDB's
// native library is mapped into the process (Linux: /proc/self/maps).
const REPORT = `import { readFileSync } from 'node:fs';
process.on('exit', () => {
  const maps = process.platform === 'linux' ? readFileSync('/proc/self/maps', 'utf8') : '';
  process.stderr.write('loaded ' + JSON.stringify({
    undici: process.moduleLoadList.some((m) => m.includes('undici')),
    chdb: /chdb/i.test(maps),
  }) + '\\n');
});`;

describe('a fresh `wideline trace` process', () => {
  it('loads neither the query engine (chDB) nor fetch (undici): only what drawing a trace needs', async () => {
    const cliPath = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          '--conditions=@wideline/source',
          '--import',
          `data:text/javascript,${encodeURIComponent(REPORT)}`,
          cliPath,
          'trace',
          ID,
          '--jaeger',
          url,
        ],
        { env: { ...process.env, NO_COLOR: '1' } },
        (error, out, err) =>
          error ? reject(new Error(`${error.message}\n${err}`)) : resolve({ stdout: out, stderr: err }),
      ),
    );
    expect(stdout).toMatch(/^old-api\s+└─ send jobs ✗\s+5\.00 ms/m);
    expect(JSON.parse(/loaded (.*)/.exec(stderr)?.[1] ?? 'null')).toEqual({ undici: false, chdb: false });
  });
});
