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
});
