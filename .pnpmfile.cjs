// pnpm hooks for this workspace.
//
// beforePacking: the catalog pins exact versions (so this repository and its lockfile build the same
// thing everywhere), and `pnpm pack` / `pnpm publish` write the catalog's value into the published
// manifest. An exact pin there would make every app that uses another 2.x release of an OpenTelemetry
// package install a second copy beside ours. So a published runtime dependency that names one exact
// version is widened to the caret range that starts at it (`2.12.1` → `^2.12.1`): the oldest version
// it promises is the one this repository tests. Peer ranges are written by hand in each package.json
// and left alone. `packed/test/tarballs.test.ts` checks the result in every tarball.
const EXACT = /^\d+\.\d+\.\d+$/;

function widen(deps) {
  if (!deps) return deps;
  return Object.fromEntries(Object.entries(deps).map(([name, spec]) => [name, EXACT.test(spec) ? `^${spec}` : spec]));
}

module.exports = {
  hooks: {
    beforePacking(pkg) {
      pkg.dependencies = widen(pkg.dependencies);
      pkg.optionalDependencies = widen(pkg.optionalDependencies);
      return pkg;
    },
  },
};
