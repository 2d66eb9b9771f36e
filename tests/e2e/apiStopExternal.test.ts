/**
 * `sky api stop` stops a server it did not start: one launched like `npm start` does (no pid file),
 * found through the pid its `/api/health` reports, stopped with SIGTERM, and gone when the command
 * returns. Needs `npm run build`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/cli/main';
import { Capture } from '../helpers/capture';

const ROOT = path.resolve(__dirname, '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/api/health`)).ok;
  } catch {
    return false;
  }
}

let server: ChildProcess;
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let url: string;
const homes: string[] = [];
const tempHome = () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-stop-home-'));
  homes.push(home);
  return home;
};

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // npm start's command line, run by the test rather than by the CLI: no pid file anywhere.
  server = spawn(process.execPath, ['-r', './dist/src/demo/demo.js', 'dist/src/server.js', '--port', String(port)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: tempHome() },
    stdio: 'ignore',
  });
  exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 20_000;
  while (!(await answers(url))) {
    if (Date.now() > deadline) throw new Error(`the server did not answer at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});

afterAll(() => {
  if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL'); // only if the test failed
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

async function sky(...argv: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const env = { HOME: tempHome(), NO_COLOR: '1', SKYPILOT_API_SERVER_ENDPOINT: url };
  const code = await run(argv, { stdout, stderr, env });
  return { code, out: stdout.lines, err: stderr.lines };
}

describe('sky api stop with a server started outside the CLI', () => {
  it('finds it by the pid in /api/health, stops it with SIGTERM, and waits until it is gone', async () => {
    const health = (await (await fetch(`${url}/api/health`)).json()) as { pid?: number };
    expect(health.pid).toBe(server.pid);

    const { code, out, err } = await sky('api', 'stop');
    expect(err).toEqual([]);
    expect(out).toEqual([`SkyPilot API server at ${url} stopped (pid ${server.pid}).`]);
    expect(code).toBe(0);
    expect(await answers(url)).toBe(false);
    expect(await exited).toEqual({ code: 0, signal: null }); // SIGTERM: a clean shutdown
  }, 30_000);

  it('then says nothing is running, exit 0', async () => {
    const { code, out } = await sky('api', 'stop');
    expect(out).toEqual([`No SkyPilot API server is running at ${url}.`]);
    expect(code).toBe(0);
  });
});
