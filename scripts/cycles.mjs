// Import-cycle check, run by `pnpm lint` and `pnpm test`: dependency-cruiser over every folder with
// code, with the rule in .dependency-cruiser.cjs. Exits non-zero (and names the cycle) when one exists.
import { spawnSync } from 'node:child_process';
import { bin, repo } from './lib.mjs';

const folders = ['packages', 'apps', 'bench', 'stack', 'scripts'];
const result = spawnSync(bin('depcruise'), ['--config', '.dependency-cruiser.cjs', ...folders], {
  cwd: repo,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
