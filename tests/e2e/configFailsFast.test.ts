/**
 * A bad setting is refused before the server's heavy modules load: parsing the arguments and the
 * environment needs only src/serverConfig.ts and the few parsers it calls, so a start that fails on
 * one pays for those alone, not for express, kysely, the drivers and the routes (src/runServer.ts).
 * What a later failure needs (opening a store, binding the port) still goes the whole way: the
 * control case sees express and kysely loaded, so the probe is not blind. Needs `npm run build`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expectOneErrorLine, runBuiltServer } from '../helpers/builtServer';
import { makeTempDir, removeDir } from '../helpers/tempState';

const ROOT = path.resolve(__dirname, '..', '..');
const PROBE = path.join(ROOT, 'tests', 'helpers', 'loadedPackages.js');
/** Packages only the running server needs; none is needed to say a setting is wrong. */
const HEAVY = ['express', 'kysely', 'better-sqlite3', 'pg', 'ioredis', 'zod', 'pino', 'prom-client'];

let dir: string;
beforeAll(() => {
  dir = makeTempDir('skyts-fastcfg-');
});
afterAll(() => removeDir(dir));

interface Loaded {
  packages: string[];
  sources: string[];
}

let runs = 0;
/** Starts the built server with the probe preloaded; its exit code, stderr, and what it loaded. */
async function start(args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string; loaded: Loaded }> {
  const out = path.join(dir, `loaded-${runs++}.json`);
  const { code, stderr } = await runBuiltServer(args, { SKYPILOT_TEST_LOADED_FILE: out, ...env }, { home: dir, preload: PROBE });
  return { code, stderr, loaded: JSON.parse(fs.readFileSync(out, 'utf8')) as Loaded };
}

describe('a bad setting fails before the server loads', () => {
  it.each([
    [['--port', 'abc'], {}, /--port must be an integer from 0 to 65535, got 'abc'/],
    [['--bogus'], {}, /Unknown option '--bogus'/],
    [[], { SKYPILOT_DB_CONNECTION_URI: 'mysql://x' }, /SKYPILOT_DB_CONNECTION_URI must be a postgresql:\/\/ URI/],
    [[], { SKYPILOT_CORS_ORIGINS: 'dashboard.example.com' }, /SKYPILOT_CORS_ORIGINS/],
    [[], { SKYPILOT_TRUSTED_PROXIES: 'not-an-address' }, /SKYPILOT_TRUSTED_PROXIES/],
    [[], { SKYPILOT_RATE_LIMIT: 'fast' }, /SKYPILOT_RATE_LIMIT must be/],
    [[], { SKYPILOT_METRICS_PORT: 'x' }, /SKYPILOT_METRICS_PORT must be an integer/],
  ])('%j %j: one line, exit 2, and no express, kysely, driver or route loaded', async (args, env, message) => {
    const { code, stderr, loaded } = await start(args, env as Record<string, string>);
    expect(code).toBe(2);
    expectOneErrorLine(stderr, message);
    expect(loaded.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
    expect(loaded.sources).not.toContain('app.js');
    expect(loaded.sources.filter((s) => s.startsWith('routes/') || s.startsWith('state/'))).toEqual([]);
  });
});

describe('a failure found while starting still goes the whole way', () => {
  it('a state database in a missing directory: the server loaded, then one line and exit 2', async () => {
    const missing = path.join(dir, 'no-such-dir', 'state.db');
    const { code, stderr, loaded } = await start(['--port', '0', '--db-path', missing], {});
    expect(code).toBe(2);
    expectOneErrorLine(stderr, /state database .*no-such-dir\/state\.db: directory .*no-such-dir does not exist/);
    expect(loaded.packages).toEqual(expect.arrayContaining(['express', 'kysely', 'better-sqlite3']));
    expect(loaded.sources).toContain('app.js');
  });
});
