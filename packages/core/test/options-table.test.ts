/**
 * docs/options.md against the code: the option interfaces of the four runtime packages (read with
 * the TypeScript compiler, from each package's public entry point), core's `resolveConfig` defaults
 * and the variables it reads. Editing an option without the table (or the table without the code)
 * fails here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_TIMEOUT_MS, type ResolvedConfig, resolveConfig } from '../src/sdk';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const RUNTIMES = ['core / Node', 'Worker', 'browser', 'BullMQ'] as const;
type Runtime = (typeof RUNTIMES)[number];

// Where each runtime's options are declared: the exported interface of its public entry point.
const ENTRIES: Record<Runtime, { file: string; name: string }> = {
  'core / Node': { file: 'packages/core/src/index.ts', name: 'WidelineOptions' },
  Worker: { file: 'packages/worker/src/index.ts', name: 'WorkerConfig' },
  browser: { file: 'packages/browser/src/index.ts', name: 'BrowserOptions' },
  BullMQ: { file: 'packages/bullmq/src/index.ts', name: 'ConsumerTracingOptions' },
};

/**
 * Browser options whose code does not yet follow the vocabulary; the browser's move onto
 * `createTracing` renames them. Each one is checked to still differ, so that this list shrinks with
 * the code and cannot hide drift: when a test below says a name now matches, delete it here.
 */
const BROWSER_PENDING = new Set<string>();

interface Row {
  option: string;
  type: string;
  env: string;
  cells: Record<Runtime, string>;
}

function code(cell: string): string {
  return cell.replace(/^`|`$/g, '').replace(/\\\|/g, '|');
}

function readTable(): Row[] {
  const text = readFileSync(join(root, 'docs/options.md'), 'utf8');
  const lines = text.split('\n');
  const header = lines.findIndex((line) => line.startsWith('| option | type | env variable |'));
  expect(header, 'docs/options.md has lost its options table').toBeGreaterThan(0);
  const rows: Row[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
    expect(cells, line).toHaveLength(3 + RUNTIMES.length);
    const [option = '', type = '', env = '', ...perRuntime] = cells;
    rows.push({
      option: code(option),
      type: code(type),
      env,
      cells: Object.fromEntries(RUNTIMES.map((r, i) => [r, perRuntime[i] ?? ''])) as Record<Runtime, string>,
    });
  }
  return rows;
}

function compile() {
  const files = Object.values(ENTRIES).map((entry) => join(root, entry.file));
  const options = ts.parseJsonConfigFileContent(
    ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile).config,
    ts.sys,
    root,
  ).options;
  const program = ts.createProgram(files, { ...options, noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const exported = (file: string, name: string): ts.Symbol => {
    const source = program.getSourceFile(join(root, file));
    if (!source) throw new Error(`${file} is not in the program`);
    const symbol = checker
      .getExportsOfModule(checker.getSymbolAtLocation(source) as ts.Symbol)
      .find((s) => s.name === name);
    if (!symbol) throw new Error(`${file} does not export ${name}`);
    return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  };
  // An option's declared type as written (`Attributes`, `RedactionOptions | false`); `a.b` looks into `a`.
  const declaredTypes = (symbol: ts.Symbol): Map<string, string> => {
    const types = new Map<string, string>();
    const visit = (type: ts.Type, prefix: string, depth: number) => {
      for (const property of checker.getPropertiesOfType(type)) {
        const declaration = property.declarations?.[0];
        if (!declaration || !ts.isPropertySignature(declaration) || !declaration.type) continue;
        types.set(prefix + property.name, declaration.type.getText().replace(/\s+/g, ' '));
        if (depth === 0 && ts.isTypeLiteralNode(declaration.type)) {
          visit(checker.getTypeFromTypeNode(declaration.type), `${prefix}${property.name}.`, 1);
        }
      }
    };
    visit(checker.getDeclaredTypeOfSymbol(symbol), '', 0);
    return types;
  };
  const constant = (file: string, name: string): string | undefined => {
    const declaration = exported(file, name).valueDeclaration;
    return declaration && ts.isVariableDeclaration(declaration) ? declaration.initializer?.getText() : undefined;
  };
  const interfaces = Object.fromEntries(
    RUNTIMES.map((runtime) => [runtime, declaredTypes(exported(ENTRIES[runtime].file, ENTRIES[runtime].name))]),
  ) as Record<Runtime, Map<string, string>>;
  return { interfaces, constant };
}

const rows = readTable();
const { interfaces, constant } = compile();
const byOption = new Map(rows.map((row) => [row.option, row]));

describe('docs/options.md', () => {
  it.each(rows.flatMap((row) => RUNTIMES.filter((r) => row.cells[r] !== '—').map((r) => [row.option, r] as const)))(
    '%s is an option of %s, with the type the table gives',
    (option, runtime) => {
      const row = byOption.get(option) as Row;
      const declared = interfaces[runtime].get(option);
      if (runtime === 'browser' && BROWSER_PENDING.has(option)) {
        expect(
          declared,
          `BrowserOptions.${option} now follows the vocabulary: delete it from BROWSER_PENDING`,
        ).not.toBe(row.type);
        return;
      }
      expect(declared, `${ENTRIES[runtime].name} has no ${option}`).toBeDefined();
      expect(declared, `${ENTRIES[runtime].name}.${option}`).toBe(row.type);
    },
  );

  it('has a row for every option that two runtimes share, and none a runtime lacks', () => {
    const counts = new Map<string, Runtime[]>();
    for (const runtime of RUNTIMES) {
      for (const option of interfaces[runtime].keys()) {
        if (option === 'sampling') continue; // its members are the rows
        // The optional parts of a runtime's pipeline: one name, but each runtime's own plug-ins
        // (BrowserFeature, WorkerFeature), so no one type; docs/options.md says so below the table.
        if (option === 'features') continue;
        counts.set(option, [...(counts.get(option) ?? []), runtime]);
      }
    }
    const shared = [...counts].filter(([, runtimes]) => runtimes.length > 1).map(([option]) => option);
    const missing = shared.filter((option) => !byOption.has(option));
    expect(missing, 'shared options without a row in docs/options.md').toEqual([]);
    for (const row of rows) {
      for (const runtime of RUNTIMES) {
        if (row.cells[runtime] !== '—' || !interfaces[runtime].has(row.option)) continue;
        expect.fail(`${ENTRIES[runtime].name} has ${row.option}, but the table says — for ${runtime}`);
      }
    }
  });

  it('gives the defaults resolveConfig applies', () => {
    const core = resolveConfig({});
    const expected: Record<string, (config: ResolvedConfig) => unknown> = {
      serviceName: (c) => `'${c.serviceName}'`,
      endpoint: (c) => `'${c.tracesEndpoint.replace(/\/v1\/traces$/, '')}'`,
      exportTimeoutMs: (c) => String(c.exportTimeoutMs),
      jaegerUiUrl: (c) => `'${c.jaegerUiUrl}'`,
      'sampling.tail': (c) => String(c.tail),
      wideEventLog: (c) => String(c.wideEventLog ?? false),
    };
    for (const [option, value] of Object.entries(expected)) {
      expect(code(byOption.get(option)?.cells['core / Node'] ?? ''), option).toBe(value(core));
    }
    expect(code(byOption.get('exportTimeoutMs')?.cells['core / Node'] ?? '')).toBe(String(DEFAULT_EXPORT_TIMEOUT_MS));
    const worker = constant(ENTRIES.Worker.file, 'DEFAULT_EXPORT_TIMEOUT_MS');
    expect(code(byOption.get('exportTimeoutMs')?.cells.Worker ?? '')).toBe(String(Number(worker?.replace(/_/g, ''))));
  });

  // A value for each variable (with what it needs beside it), and where resolveConfig puts it.
  const samples: Record<string, [Record<string, string>, (c: ResolvedConfig) => unknown, unknown]> = {
    OTEL_SERVICE_NAME: [{}, (c) => c.serviceName, 'from-env'],
    OTEL_RESOURCE_ATTRIBUTES: [{}, (c) => c.resourceAttributes.team, 'a'],
    OTEL_EXPORTER_OTLP_ENDPOINT: [{}, (c) => c.tracesEndpoint, 'http://e.test:4318/v1/traces'],
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: [{}, (c) => c.tracesEndpoint, 'http://t.test/x'],
    OTEL_EXPORTER_OTLP_HEADERS: [{}, (c) => c.headers.k, 'v'],
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: [{ OTEL_EXPORTER_OTLP_HEADERS: 'k=v' }, (c) => c.headers.k, 't'],
    OTEL_EXPORTER_OTLP_TIMEOUT: [{}, (c) => c.exportTimeoutMs, 1234],
    OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: [{ OTEL_EXPORTER_OTLP_TIMEOUT: '1234' }, (c) => c.exportTimeoutMs, 4321],
    OTEL_TRACES_SAMPLER: [{}, (c) => c.head.ratio, 0],
    OTEL_TRACES_SAMPLER_ARG: [{ OTEL_TRACES_SAMPLER: 'traceidratio' }, (c) => c.head.ratio, 0.5],
    WIDELINE_JAEGER_UI_URL: [{}, (c) => c.jaegerUiUrl, 'http://j.test:1'],
    OTEL_SDK_DISABLED: [{}, (c) => c.disabled, true],
    OTEL_EXPORTER_OTLP_PROTOCOL: [{}, (c) => c.tracesEndpoint, 'http://localhost:4318/v1/traces'],
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: [{}, (c) => c.tracesEndpoint, 'http://localhost:4318/v1/traces'],
  };
  const values: Record<string, string> = {
    OTEL_SERVICE_NAME: 'from-env',
    OTEL_RESOURCE_ATTRIBUTES: 'team=a',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://e.test:4318',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t.test/x',
    OTEL_EXPORTER_OTLP_HEADERS: 'k=v',
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'k=t',
    OTEL_EXPORTER_OTLP_TIMEOUT: '1234',
    OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '4321',
    OTEL_TRACES_SAMPLER: 'always_off',
    OTEL_TRACES_SAMPLER_ARG: '0.5',
    WIDELINE_JAEGER_UI_URL: 'http://j.test:1',
    OTEL_SDK_DISABLED: 'true',
    // Protocols only validate: the one accepted value changes nothing, another throws.
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
  };

  it('names every variable resolveConfig reads, and each one does what its row says', () => {
    const source = readFileSync(join(root, 'packages/core/src/config.ts'), 'utf8');
    const read = new Set(source.match(/\b(?:OTEL|WIDELINE)_[A-Z_]+[A-Z]\b/g));
    const doc = readFileSync(join(root, 'docs/options.md'), 'utf8');
    const documented = new Set(doc.match(/\b(?:OTEL|WIDELINE)_[A-Z_]+[A-Z]\b/g));
    expect(
      [...read].filter((name) => !documented.has(name)),
      'variables missing from docs/options.md',
    ).toEqual([]);
    expect(
      [...documented].filter((name) => !read.has(name)),
      'documented variables resolveConfig ignores',
    ).toEqual([]);
    expect(Object.keys(samples).sort()).toEqual([...read].sort());
    for (const [name, [beside, pick, wanted]] of Object.entries(samples)) {
      expect(pick(resolveConfig({}, { ...beside, [name]: values[name] as string })), name).toEqual(wanted);
      if (name.endsWith('_PROTOCOL'))
        expect(() => resolveConfig({}, { [name]: 'grpc' }), name).toThrow(name.replace('TRACES_', ''));
    }
    for (const row of rows) {
      for (const name of row.env.match(/\b(?:OTEL|WIDELINE)_[A-Z_]+[A-Z]\b/g) ?? []) {
        expect(read.has(name), `${row.option}: ${name}`).toBe(true);
      }
    }
  });
});
