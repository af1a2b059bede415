import { defineConfig } from 'vite';

// No React plugin: the production build only needs JSX compiled (Vite's Oxc transform does that with
// the automatic runtime); Fast Refresh in `vite dev` is the one thing missing without it.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic' } },
  server: { port: 5173, strictPort: true },
  preview: { port: 5173, strictPort: true },
  build: { target: 'es2022', sourcemap: true },
});
