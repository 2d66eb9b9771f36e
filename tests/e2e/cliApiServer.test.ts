/**
 * `sky api start|info|status|stop` manage a real background server (the built dist/), and a local
 * endpoint with no server gets one started on first use, as SkyPilot does. Needs `npm run build`.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/cli/main';
import { Capture } from '../helpers/capture';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let env: Record<string, string>;

beforeAll(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-api-home-'));
  env = { HOME: home, PATH: process.env.PATH ?? '', NO_COLOR: '1', SKYPILOT_API_SERVER_ENDPOINT: `http://127.0.0.1:${await freePort()}` };
});
afterAll(async () => {
  await sky('api', 'stop'); // never leave a server behind, whatever failed
});

async function sky(...argv: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await run(argv, { stdout, stderr, env });
  return { code, out: stdout.text, err: stderr.text };
}

describe('sky api', () => {
  it('starts a server on first use, reports it, and stops it', async () => {
    const status = await sky('status');
    expect(status.code).toBe(0);
    expect(status.err).toMatch(/start/i); // one line saying a local server was started
    expect(status.out).toContain('No existing clusters.');
    expect(fs.existsSync(path.join(env.HOME, '.sky', 'api_server', 'server.pid'))).toBe(true);

    const info = await sky('api', 'info');
    expect(info.code).toBe(0);
    expect(info.out).toContain(env.SKYPILOT_API_SERVER_ENDPOINT);
    expect(info.out).toContain('1.0.0-dev0');

    const again = await sky('api', 'start');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/already running/);

    const stop = await sky('api', 'stop');
    expect(stop.code).toBe(0);
    env.SKYPILOT_NO_AUTOSTART = '1'; // otherwise the next command starts a server again, by design
    const after = await sky('api', 'info');
    expect(after.code).not.toBe(0);
    expect(after.err.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});
