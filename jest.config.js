/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  // Tests are transpiled only; `npm run build` (tsc, strict) is the type check, and CI runs it first.
  transform: { '^.+\\.tsx?$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  testTimeout: 30000,
  // SQLite files and child servers: keep workers few on a 2-core machine.
  maxWorkers: 2,
};
