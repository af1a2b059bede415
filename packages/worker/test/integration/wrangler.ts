/**
 * Runs a Worker fixture under `wrangler dev` (workerd) on free ports, for integration tests.
 */
import { fileURLToPath } from 'node:url';
import { type RunningWorker, startWranglerDev } from '@wideline/testkit';

const FIXTURES = fileURLToPath(new URL('../fixtures/integration/', import.meta.url));
const WRANGLER = fileURLToPath(new URL('../../node_modules/wrangler/bin/wrangler.js', import.meta.url));

export type { RunningWorker };

/** Starts `wrangler dev -c <config>` with `vars` and waits until it is ready. */
export function startWorker(config: string, vars: Record<string, string> = {}): Promise<RunningWorker> {
  return startWranglerDev({
    wrangler: WRANGLER,
    cwd: FIXTURES,
    config,
    vars,
    persistPrefix: '/tmp/wideline-worker-it-',
  });
}
