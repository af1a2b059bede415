// Starts Spotlight (Sentry's local envelope receiver) through its library entry point rather than its
// CLI: the CLI initialises Spotlight's own Sentry telemetry, which reports to sentry.io; a local test
// stack should not try to reach the internet. Serves the same UI the CLI serves.
//
// Usage: node stack/spotlight.mjs [port]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupSpotlight } from '@spotlightjs/spotlight';

const port = Number(process.argv[2] ?? process.env.SPOTLIGHT_PORT ?? 8969);
// The package exports only its server entry (dist/server/main.js); the UI sits beside it in dist/ui.
const uiDir = join(dirname(fileURLToPath(import.meta.resolve('@spotlightjs/spotlight'))), '..', 'ui');

const filesToServe = Object.create(null);
const manifest = JSON.parse(readFileSync(join(uiDir, 'manifest.json'), 'utf8'));
filesToServe['index.html'] = readFileSync(join(uiDir, 'index.html'));
for (const entry of Object.values(manifest)) {
  if (entry && typeof entry.file === 'string') filesToServe[entry.file] = readFileSync(join(uiDir, entry.file));
}

await setupSpotlight({ port, basePath: process.cwd(), filesToServe, isStandalone: true });
