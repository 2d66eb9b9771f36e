/**
 * Two projects: every suite on SQLite, and the state, request and API suites again on PostgreSQL
 * when a server is reachable (tests/helpers/postgresProbe.js). Without one, only those PostgreSQL
 * runs are skipped, and this says so.
 * @type {import('jest').Config}
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  // Tests are transpiled only (esbuild, tests/helpers/esbuildTransform.js); `npm run typecheck`
  // (tsc, strict) is the type check, run first.
  transform: { '^.+\\.tsx?$': '<rootDir>/tests/helpers/esbuildTransform.js' },
};

/** Suites whose every test runs again with PostgreSQL behind the state and request stores. */
const POSTGRES_SUITES = [
  'tests/state/clusters.test.ts',
  'tests/state/users.test.ts',
  'tests/state/managedJobs.test.ts',
  'tests/state/handles.test.ts',
  'tests/state/managedJobQueryContract.test.ts',
  'tests/state/managedJobTasks.test.ts',
  'tests/state/managedJobTasksMigration.test.ts',
  'tests/state/historyLastEventMigration.test.ts',
  'tests/operations/**/*.test.ts',
  'tests/requests/**/*.test.ts',
  'tests/api/protocol.test.ts',
  'tests/api/streamFanOut.test.ts',
  'tests/api/reads.test.ts',
  'tests/api/jobsQueueTasks.test.ts',
  'tests/api/costReportFilters.test.ts',
  'tests/api/writes.test.ts',
  'tests/api/badInputs.test.ts',
  'tests/api/routes.test.ts',
  'tests/api/roleMatrix.test.ts',
  'tests/api/serviceAccounts.test.ts',
  'tests/postgres/**/*.test.ts',
  'tests/e2e/crashDuringWrites.test.ts',
];

function postgresReachable() {
  if (process.env.SKYPILOT_TEST_POSTGRES === '0') return 'SKYPILOT_TEST_POSTGRES=0';
  const probe = spawnSync(process.execPath, [path.join(__dirname, 'tests/helpers/postgresProbe.js')], { encoding: 'utf8', timeout: 5000 });
  return probe.stdout === 'ok' ? null : (probe.stdout || probe.stderr || 'no answer').trim();
}

const missing = postgresReachable();
if (missing) {
  console.log(
    `PostgreSQL is not reachable (${missing}): skipping the state, request and API suites on PostgreSQL; ` +
      'they run on SQLite only. Start PostgreSQL (see .ci/run) to run them on both.',
  );
}

module.exports = {
  // SQLite files, PostgreSQL databases and child servers: few workers on a 2-core machine, but one
  // more than the cores, since the slowest files mostly wait (a stream's 10 s, chromium, timeouts).
  maxWorkers: 3,
  testTimeout: 30000,
  // The slowest files first, on a clean clone too (tests/helpers/slowFirst.js).
  testSequencer: '<rootDir>/tests/helpers/slowFirst.js',
  projects: [
    { ...base, displayName: 'sqlite', testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/postgres/'] },
    ...(missing
      ? []
      : [
          {
            ...base,
            displayName: 'postgres',
            testMatch: POSTGRES_SUITES.map((p) => `<rootDir>/${p}`),
            setupFiles: ['<rootDir>/tests/helpers/usePostgres.js'],
          },
        ]),
  ],
};
