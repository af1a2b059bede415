/**
 * docs/sentry.md against the Sentry SDKs installed here: their versions, and which of the exports
 * the page names each one has. A Sentry upgrade that ships (or drops) one fails here, naming the
 * row to revisit, so that Wideline builds on what Sentry does instead of duplicating it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');

// Where each SDK is a dependency, so it resolves as that package's code sees it.
const SDKS: Record<string, string> = {
  '@sentry/cloudflare': 'packages/worker',
  '@sentry/node': 'packages/core',
  '@sentry/browser': 'bench/browser',
  '@sentry/react': 'packages/browser',
};

function exportsTable(): { sdks: string[]; rows: Map<string, string[]> } {
  const text = readFileSync(join(root, 'docs/sentry.md'), 'utf8');
  const lines = text.split('\n');
  const header = lines.findIndex((line) => line.startsWith('| export |'));
  expect(header, 'docs/sentry.md has lost its exports table').toBeGreaterThan(0);
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim().replace(/^`|`$/g, ''));
  const sdks = cells(lines[header] as string).slice(1);
  const rows = new Map<string, string[]>();
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [name = '', ...values] = cells(line);
    rows.set(name, values);
  }
  return { sdks, rows };
}

async function installed(sdk: string) {
  const require = createRequire(join(root, SDKS[sdk] as string, 'package.json'));
  const version = (require(`${sdk}/package.json`) as { version: string }).version;
  const module = (await import(pathToFileURL(require.resolve(sdk)).href)) as Record<string, unknown>;
  return { version, module };
}

const { sdks, rows } = exportsTable();

describe('docs/sentry.md', () => {
  it('covers the Sentry SDKs the packages support', () => {
    expect([...sdks].sort()).toEqual(Object.keys(SDKS).sort());
    expect(rows.has('version')).toBe(true);
  });

  it.each(sdks.map((sdk, column) => [sdk, column] as const))(
    '%s: the installed version and exports are the ones the table names',
    async (sdk, column) => {
      const { version, module } = await installed(sdk);
      expect(version, `${sdk} was upgraded: revisit docs/sentry.md and its "version" row`).toBe(
        rows.get('version')?.[column],
      );
      for (const [name, values] of rows) {
        if (name === 'version') continue;
        const documented = values[column];
        expect(['yes', 'no'], `${name} / ${sdk}`).toContain(documented);
        const present = typeof module[name] === 'function';
        expect(
          present ? 'yes' : 'no',
          `${sdk} ${version} ${present ? 'now exports' : 'no longer exports'} ${name}: build on it (docs/sentry.md)`,
        ).toBe(documented);
      }
    },
  );

  it('openTelemetryIntegration is the trace-context half of OTLP support, and getOtlpTracesEndpoint maps a DSN', async () => {
    for (const sdk of sdks.filter((_, column) => rows.get('openTelemetryIntegration')?.[column] === 'yes')) {
      const { module } = await installed(sdk);
      const integration = (module.openTelemetryIntegration as () => { name: string; setup?: unknown })();
      expect(integration.name, sdk).toBe('OpenTelemetry');
      expect(typeof integration.setup, sdk).toBe('function');
      const endpoint = (
        module.getOtlpTracesEndpoint as (dsn: string) => { url: string; headers: Record<string, string> }
      )('https://abc123@o1.ingest.example.io/42');
      expect(endpoint.url, sdk).toBe('https://o1.ingest.example.io/api/42/integration/otlp/v1/traces/');
      expect(endpoint.headers['X-Sentry-Auth'], sdk).toMatch(/sentry_key=abc123/);
    }
  });
});
