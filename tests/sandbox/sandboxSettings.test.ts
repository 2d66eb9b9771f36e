/**
 * The sandbox's settings: the shipped sandbox.yaml (off, the documented defaults), the environment
 * over the file, and every bad value stopping the demo with one line that names the setting.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { installSessionDemo } from '../../src/sessions/installSessions';
import { loadSessionSettings } from '../../src/sessions/sessionSettings';
import { copyFixtures, FIXTURES_DIR } from '../demo/demoApp';

describe('sandbox settings', () => {
  it('ships off, with the documented defaults and four launchable recipes', () => {
    expect(loadSessionSettings(FIXTURES_DIR, {})).toMatchObject({
      enabled: false,
      sessionMinutes: 30,
      maxExtensions: 3,
      maxSessions: 2000,
      maxChanges: 100,
      maxSessionBytes: 64 * 1024,
      newSessionsPerMinute: 10,
      reclaimIdleMinutes: 5,
      sweepSeconds: 30,
      startSeconds: 8,
      redisUrl: null,
      redisPrefix: 'skyts:demo:',
      statsToken: null,
    });
    expect(Object.keys(loadSessionSettings(FIXTURES_DIR, {}).launch)).toEqual([
      'llama-finetune',
      'nightly-eval',
      'dev-box',
      'vllm-inference',
    ]);
  });

  it('takes the environment over the file', () => {
    const env = {
      SKYPILOT_DEMO_SANDBOX: 'true',
      SKYPILOT_DEMO_MAX_SESSIONS: '50',
      SKYPILOT_DEMO_SESSION_MINUTES: '0.5',
      SKYPILOT_DEMO_REDIS_URL: 'redis://cache:6379',
      SKYPILOT_DEMO_STATS_TOKEN: 'x'.repeat(16),
    };
    expect(loadSessionSettings(FIXTURES_DIR, env)).toMatchObject({
      enabled: true,
      maxSessions: 50,
      sessionMinutes: 0.5,
      redisUrl: 'redis://cache:6379',
      statsToken: 'x'.repeat(16),
    });
  });

  it.each([
    [{ SKYPILOT_DEMO_SANDBOX: 'maybe' }, "SKYPILOT_DEMO_SANDBOX must be 1 or 0 (true or false), got 'maybe'"],
    [{ SKYPILOT_DEMO_MAX_SESSIONS: 'lots' }, "SKYPILOT_DEMO_MAX_SESSIONS must be a number, got 'lots'"],
    [{ SKYPILOT_DEMO_MAX_SESSIONS: '0' }, 'SKYPILOT_DEMO_MAX_SESSIONS: Too small: expected number to be >=1'],
    [{ SKYPILOT_DEMO_MAX_EXTENSIONS: '1.5' }, 'SKYPILOT_DEMO_MAX_EXTENSIONS: Invalid input: expected int, received number'],
    [{ SKYPILOT_DEMO_STATS_TOKEN: 'short' }, 'SKYPILOT_DEMO_STATS_TOKEN must be at least 16 characters'],
    [{ SKYPILOT_DEMO_REDIS_URL: 'http://cache' }, "SKYPILOT_DEMO_REDIS_URL must start with redis:// or rediss://, got 'http://cache'"],
    [{ SKYPILOT_DEMO_REDIS_PREFIX: 'has space' }, 'SKYPILOT_DEMO_REDIS_PREFIX must be 1 to 64 letters'],
  ])('refuses %j', (env, message) => {
    expect(() => loadSessionSettings(FIXTURES_DIR, env)).toThrow(message);
  });

  it.each([
    ['an unknown setting', 'enabled: false', 'enabled: false\nmax_sesions: 5', 'sandbox.yaml: Unrecognized key: "max_sesions"'],
    [
      'a bad instance type',
      'instance_type: 8CPU--32GB--H100:1',
      'instance_type: nope',
      'sandbox.yaml: launch.llama-finetune.instance_type:',
    ],
    [
      'a missing log',
      'log: logs/launch/nightly-eval.log',
      'log: logs/launch/gone.log',
      "launch.nightly-eval.log: file 'logs/launch/gone.log' does not exist",
    ],
    [
      'a recipe that does not exist',
      'dev-box:\n',
      'dev-boxx:\n',
      "sandbox.yaml: launch.dev-boxx: no recipe named 'dev-boxx' in recipes.yaml",
    ],
  ])('stops the demo at start for %s in sandbox.yaml', (_what, from, to, message) => {
    const dir = copyFixtures();
    try {
      const file = path.join(dir, 'sandbox.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(from, to));
      expect(() => installSessionDemo({ fixturesDir: dir, log: () => {}, sessions: { enabled: true } }).restore()).toThrow(message);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the entries', () => {
  // Sessions are a wing on top of the demo: the read-only entry cannot install them, so asked for
  // there they stop the start with one line instead of leaving the demo silently read-only.
  it.each([
    [
      'the read-only entry, asked for sessions',
      'dist/src/demo/demo.js',
      '1',
      2,
      /SKYPILOT_DEMO_SANDBOX asks for visitor sessions.*sessions\.js/,
    ],
    // A bad setting is exit 2, as every setting of the nightly's.
    ['the sessions entry, with a bad flag', 'dist/src/sessions/sessions.js', 'maybe', 2, /SKYPILOT_DEMO_SANDBOX must be 1 or 0/],
  ])('%s exits with one line', (_what, entry, flag, code, line) => {
    const run = spawnSync(process.execPath, ['-r', `./${entry}`, '-e', ''], {
      cwd: path.resolve(__dirname, '..', '..'),
      env: { PATH: process.env.PATH ?? '', SKYPILOT_DEMO_SANDBOX: flag },
      encoding: 'utf8',
    });
    expect(run.status).toBe(code);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(line);
  });
});
