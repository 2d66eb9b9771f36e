/**
 * Jest's transform for TypeScript: esbuild strips the types, file by file, to CommonJS, as tsc would
 * emit with tsconfig.json's target (ES2022, class fields defined). Tests are transpiled only, as they
 * were with ts-jest's isolatedModules; `npm run typecheck` (strict tsc) is the type check, run first.
 *
 * Why not ts-jest: a clean clone (CI) transforms every file once, and the child jest of
 * tests/structure/nightlyWithoutDemo.test.ts every time (a copy of the tree has its own cache keys);
 * TypeScript's transpiler took 5.7 CPU-seconds for src/, tests/ and bench/, esbuild 0.2, and each
 * worker no longer loads the TypeScript compiler to compute cache keys.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const esbuild = require('esbuild');

/** This file's own text is in the key: a change here transforms everything anew. */
const KEY = crypto.createHash('sha256').update(esbuild.version).update(fs.readFileSync(__filename)).digest('hex');

module.exports = {
  getCacheKey(source, filePath) {
    return crypto.createHash('sha256').update(KEY).update('\0').update(filePath).update('\0').update(source).digest('hex');
  },
  process(source, filePath) {
    const { code, map } = esbuild.transformSync(source, {
      loader: filePath.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'es2022',
      platform: 'node',
      sourcemap: 'external',
      sourcefile: filePath,
      // `import()` becomes a require, as tsc emits for CommonJS: jest's vm would refuse the real one.
      supported: { 'dynamic-import': false },
      tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true } },
    });
    return { code, map };
  },
};
