/**
 * The order jest starts test files in: the slowest first, so a run does not end with one long file
 * on one worker while the other waits (the suite's wall time is at least its sum over two workers,
 * plus that tail).
 *
 * Jest's own sequencer orders by the durations it cached on this machine, and runs a file it has no
 * duration for after every file it has one for, by size: on a clean clone (CI), or after running a
 * few files alone, a 30-second file could start last. So a file's duration is the cached one, else
 * the one below, else unknown (after those, by size, as jest does). Failed files still go first.
 */
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const relativePath = (test) => path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/');

/**
 * Seconds of the files that set the wall time, from a full run (`npx jest --json`, each file's
 * `perfStats.runtime`); only their order matters. Refresh when a file becomes one of the slowest.
 * The two that build copies of the tree are kept at their clean-clone (first run) times.
 */
const SECONDS = {
  'tests/attacks/edgeStalls.test.ts': 20,
  'tests/structure/nightlyWithoutDemo.test.ts': 35,
  'tests/deploy/productionInstall.test.ts': 31,
  'tests/e2e/serverArgs.test.ts': 16,
  'tests/sandbox/sessionMemory.test.ts': 15,
  'tests/demo/logFollow.test.ts': 21,
  'tests/browser/sandbox.test.ts': 21,
  'tests/demo/livingProperties.test.ts': 6,
  'tests/postgres/replicas.test.ts': 15,
  'tests/browser/dashboard.test.ts': 15,
  'tests/contract/apiVersionGates.test.ts': 12,
  'tests/demo/fixtures.test.ts': 11,
  'tests/attacks/scaleStalls.test.ts': 11,
  'tests/browser/pagedJobs.test.ts': 10,
  'tests/browser/livingDashboard.test.ts': 9,
  'tests/demo/livingWorld.test.ts': 8,
  'tests/demo/generatedOrg.test.ts': 4,
  'tests/browser/generatedDashboard.test.ts': 8,
  'tests/sandbox/simulation.test.ts': 8,
  'tests/postgres/lockTimeout.test.ts': 8,
  'tests/e2e/crashDuringWrites.test.ts': 7,
  'tests/e2e/operable.test.ts': 7,
  'tests/state/seedScale.test.ts': 7,
  'tests/state/concurrency.test.ts': 6,
};

/**
 * Started first and together, before the order by duration: the edge-stall probes compare latencies
 * within 20 ms, so they start beside two long files that mostly wait (a log followed for 10 s, a
 * browser), not beside the builds and process starts that fill both cores (in full runs with three
 * workers, those neighbours cost the probes retries of up to 15 s each).
 */
const TOGETHER_FIRST = ['tests/attacks/edgeStalls.test.ts', 'tests/demo/logFollow.test.ts', 'tests/browser/sandbox.test.ts'];

class SlowFirst extends Sequencer {
  time(test) {
    return super.time(test) ?? SECONDS[relativePath(test)];
  }

  sort(tests) {
    const sizes = new Map();
    const size = (test) => {
      if (!sizes.has(test.path)) sizes.set(test.path, test.context.hasteFS.getSize(test.path) ?? 0);
      return sizes.get(test.path);
    };
    for (const test of tests) test.duration = this.time(test);
    const first = (test) => {
      const at = TOGETHER_FIRST.indexOf(relativePath(test));
      return at === -1 ? TOGETHER_FIRST.length : at;
    };
    return tests.sort((a, b) => {
      const failed = Number(this.hasFailed(b)) - Number(this.hasFailed(a));
      if (failed !== 0) return failed;
      if (first(a) !== first(b)) return first(a) - first(b);
      if ((a.duration != null) !== (b.duration != null)) return a.duration != null ? -1 : 1;
      if (a.duration != null && b.duration != null && a.duration !== b.duration) return b.duration - a.duration;
      return size(b) - size(a);
    });
  }
}

module.exports = SlowFirst;
