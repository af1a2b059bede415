import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  platform: 'node',
  fixedExtension: false,
  target: 'node22',
  dts: true,
  sourcemap: true,
  clean: true,
  // The few `wideline.*` names shared with the writers are inlined from `@wideline/core/conventions`
  // (a dependency-free module). The only packages the output may import are the query engines and the
  // rules-file parser, each loaded lazily by the commands that need them (never by `trace` or `why`);
  // the build fails if it would import any other.
  deps: { onlyBundle: ['@wideline/core'], onlyImport: ['chdb', '@clickhouse/client', 'yaml'] },
});
