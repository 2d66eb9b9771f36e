/**
 * The nightly stands on its own: a copy of the tree without src/demo/ and src/sessions/ (and without
 * the tests that exercise them) type-checks and builds with the real `npm run build` (each wing owns
 * its build step, so none is missing), and passes a suite of each of its floors (state, requests,
 * API with every endpoint, operations, client, structure) and an end-to-end run of the built server.
 * Nothing outside src/demo may import it but the sessions; nothing outside src/sessions imports them.
 * The bench starts the demo only by preloading the built module when it exists.
 *
 * The copy is built once for each content of the tree it is made from, and kept between runs
 * (tests/helpers/builtTree.ts), as the Docker stages' copies are: an unchanged tree is not built again.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { builtTree } from '../helpers/builtTree';
import { WINGS } from '../helpers/withoutWings';

const ROOT = path.resolve(__dirname, '..', '..');
/**
 * The nightly's code is the same bytes in the copy as in this tree, where every one of its suites
 * runs. What the copy can break is only what the wings' absence changes: a file needing a deleted one
 * (the build's tsc, the import checks and removeDependents find those) or reading one at run time,
 * through the app, the test helpers or the jest setup. So one suite of each floor runs there, with
 * the two that call every endpoint on the app (routes, roles) and the built server end to end; the
 * rest of the nightly's suites (another 25 files) would repeat this tree's run of the same code.
 */
const SUITES = [
  'tests/state/clusters.test.ts',
  'tests/state/migrations.test.ts',
  'tests/requests/interruptedOutcome.test.ts',
  'tests/api/routes.test.ts',
  'tests/api/roleMatrix.test.ts',
  'tests/api/protocol.test.ts',
  'tests/api/writes.test.ts',
  'tests/operations',
  'tests/client/endpoint.test.ts',
  'tests/structure/structure.test.ts',
  'tests/structure/floors.test.ts',
  'tests/e2e/clientOnNightly.test.ts',
];

/** The built copy (tests/helpers/builtTree.ts: one per content of the tree, kept between runs). */
let dir: string | undefined;

describe('the nightly without src/demo', () => {
  const importersOf = (wing: string) =>
    spawnSync('grep', [
      '-rlE',
      `from '(\\.\\./)+${wing}/|from '\\./${wing}/|import '\\./${wing}/`,
      path.join(ROOT, 'src'),
      path.join(ROOT, 'bench'),
    ])
      .stdout.toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((f) => path.relative(ROOT, f));
  const inside = (f: string, wing: string) => f.startsWith(`src${path.sep}${wing}${path.sep}`);

  it('nothing outside src/demo imports it but the sessions on top of it', () => {
    expect(importersOf('demo').filter((f) => !inside(f, 'demo') && !inside(f, 'sessions'))).toEqual([]);
  });

  it("nothing but the demo and its sessions imports src/living, the demo's living world", () => {
    expect(importersOf('living').filter((f) => !inside(f, 'living') && !inside(f, 'demo') && !inside(f, 'sessions'))).toEqual([]);
  });

  it('nothing outside src/sessions imports it: the demo stands without its sessions', () => {
    expect(importersOf('sessions').filter((f) => !inside(f, 'sessions'))).toEqual([]);
  });

  it('declares no global or module types, so what stays type-checks as in this tree', () => {
    // A test file left in the copy imports nothing deleted (removeDependents), so its types change
    // only if a wing declared global or module types: none does, and `npm run typecheck` has checked
    // every test against this tree. The build's own tsc (strict) checks src and bench in the copy.
    const ambient = spawnSync('grep', [
      '-rlE',
      '^\\s*declare (global|module)|/// <reference',
      ...WINGS.map((wing) => path.join(ROOT, 'src', wing)),
    ]).stdout.toString();
    expect(ambient).toBe('');
  });

  it('type-checks and builds with npm run build', () => {
    // Throws with tsc's diagnostics when the build fails.
    dir = builtTree('nightly-only');
    expect(fs.existsSync(path.join(dir, 'src', 'demo'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'dist', 'src', 'server.js'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'dist', 'dashboard', 'index.html'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'dist', 'src', 'demo'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'dist', 'src', 'sessions'))).toBe(false);
    // And `npm start` finds its build current, serving the nightly.
    const { staleReason } = require(path.join(dir, 'scripts', 'buildFreshness.js')) as {
      staleReason: (root: string) => string | undefined;
    };
    expect(staleReason(dir)).toBeUndefined();
  }, 180_000);

  it('passes its own state, request, API, operation, client and structure suites, and runs built', () => {
    if (!dir) throw new Error('the copy did not build (see the test before)');
    const copy = dir;
    // Each chosen suite is still there: none of them needed the wings.
    expect(SUITES.filter((suite) => !fs.existsSync(path.join(copy, suite)))).toEqual([]);
    // In band: the copy's transform cache is cold, and two workers would each transform the same
    // files at once (30 CPU-seconds for this file instead of 25); this run already has its workers.
    const jest = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--runInBand', ...SUITES],
      {
        cwd: copy,
        encoding: 'utf8',
        env: { ...process.env, SKYPILOT_TEST_POSTGRES: '0' },
      },
    );
    const summary = /Tests:\s+(.*)/.exec(jest.stderr)?.[1] ?? jest.stderr.slice(-2000);
    expect(jest.status).toBe(0);
    expect(summary).toMatch(/\d+ passed/);
    expect(summary).not.toMatch(/failed/);
  }, 240_000);
});
