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
  // No runtime dependencies: the few `wideline.*` names shared with the writers are inlined from
  // `@wideline/core/conventions` (a dependency-free module), and the build fails if the output would
  // import any package at all (Node built-ins aside).
  deps: { onlyBundle: ['@wideline/core'], onlyImport: [] },
});
