/**
 * `pnpm lint`'s import-cycle check (`pnpm cycles`). A cycle makes module evaluation order decide
 * what is `undefined` at import time, and makes a package impossible to split; none is allowed in
 * the sources, tests, apps, benchmarks or scripts. Workspace packages resolve to their TypeScript
 * sources (the `@wideline/source` condition), so a cycle through another package's entry shows too.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles: break them by moving the shared part into a module both import.',
      from: {},
      // Type-only imports are erased at compile time, so they cannot change evaluation order.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.turbo|\\.wrangler|coverage)/' },
    tsConfig: { fileName: 'tsconfig.base.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      conditionNames: ['@wideline/source', 'import', 'types', 'default'],
      exportsFields: ['exports'],
      extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
