/**
 * The `sky` CLI in a demo sandbox session: `--demo-session` (before or after the command) or
 * SKYPILOT_DEMO_SESSION names the session; writes happen there and nowhere else; a malformed id is one
 * readable line and exit 1; and when the session has expired, the command runs in a fresh one and the
 * CLI says so once, with the new id to export.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/cli/main';
import { startSandboxApp, type SandboxApp } from '../sandbox/sandboxApp';
import { Capture } from '../helpers/capture';
import { listen } from './listen';

let s: SandboxApp;
let served: Awaited<ReturnType<typeof listen>>;
let env: Record<string, string>;

beforeAll(async () => {
  s = await startSandboxApp();
  served = await listen(s.app);
  env = {
    SKYPILOT_API_SERVER_ENDPOINT: served.url,
    SKYPILOT_NO_AUTOSTART: '1',
    NO_COLOR: '1',
    HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'sky-cli-home-')),
  };
});
afterAll(async () => {
  await served.close();
  await s.close();
});

async function sky(extraEnv: Record<string, string>, ...argv: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await run(argv, { stdout, stderr, env: { ...env, ...extraEnv } });
  return { code, out: stdout.lines, err: stderr.lines };
}

const statusOf = (lines: string[], cluster: string) =>
  lines
    .find((l) => l.startsWith(`${cluster} `))
    ?.trim()
    .split(/\s{2,}/)[3];

describe('sky in a sandbox session', () => {
  it.each([
    ['the flag before the command', (id: string) => [{}, '--demo-session', id]],
    ['the flag after the command', (id: string) => [{}, '--demo-session', id]],
    ['the environment variable', (id: string) => [{ SKYPILOT_DEMO_SESSION: id }]],
  ] as const)('stops a cluster in the session named by %s, and only there', async (_how, args) => {
    const id = await s.newSession();
    const [extra, ...flag] = args(id) as [Record<string, string>, ...string[]];
    const before = _how.includes('after');
    const stop = await sky(extra, ...(before ? ['stop', 'lambda-k8s', ...flag] : [...flag, 'stop', 'lambda-k8s']));
    expect([stop.code, stop.err]).toEqual([0, []]);
    const mine = await sky(extra, ...(before ? ['status', 'lambda-k8s', ...flag] : [...flag, 'status', 'lambda-k8s']));
    expect(statusOf(mine.out, 'lambda-k8s')).toBe('STOPPED');
    const elsewhere = await sky({}, 'status', 'lambda-k8s');
    expect(statusOf(elsewhere.out, 'lambda-k8s')).toBe('UP');
  });

  it('prints one line and exits 1 for a malformed session id', async () => {
    const { code, err } = await sky({}, '--demo-session', 'nope', 'status');
    expect(code).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^sky: error: X-Demo-Session-Id must be a session id from POST \/demo\/session/)]);
  });

  it('says once that an expired session was replaced, with the id to export', async () => {
    const id = await s.newSession();
    s.clock.now += 31 * 60_000;
    const { code, err } = await sky({ SKYPILOT_DEMO_SESSION: id }, 'status');
    expect(code).toBe(0);
    expect(err).toEqual([
      expect.stringMatching(/^sky: the demo session has expired; this command ran in a new one: export SKYPILOT_DEMO_SESSION=[\w-]{32}$/),
    ]);
  });
});
