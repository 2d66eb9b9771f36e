/**
 * `sky api stop` says in one line why it does not stop what answers on the endpoint, and exits 1:
 * a remote endpoint, a server that reports no pid, a pid that is no process here, a pid that is not
 * our server. Nothing running is not a failure (exit 0). A fake `/api/health` reports the pids.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import express from 'express';
import fs from 'node:fs';
import type { Server } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../src/cli/main';
import { isAlive } from '../../src/cli/serverProcess';
import { Capture } from '../helpers/capture';

let reported: Record<string, unknown> = {};
let fake: Server;
let url: string;
let home: string;

beforeAll(async () => {
  const app = express();
  app.get('/api/health', (_req, res) => res.json({ status: 'healthy', api_version: '27', version: '1.0.0-dev0', ...reported }));
  fake = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => fake.once('listening', resolve));
  url = `http://127.0.0.1:${(fake.address() as net.AddressInfo).port}`;
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-stop-home-'));
});
afterAll(async () => {
  fake.closeAllConnections();
  await new Promise((resolve) => fake.close(resolve));
  fs.rmSync(home, { recursive: true, force: true });
});

async function apiStop(endpoint = url) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await run(['api', 'stop'], { stdout, stderr, env: { HOME: home, NO_COLOR: '1', SKYPILOT_API_SERVER_ENDPOINT: endpoint } });
  return { code, out: stdout.lines, err: stderr.lines };
}

describe('sky api stop refuses, saying why', () => {
  let sleeper: ChildProcess;
  beforeAll(() => {
    sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
  });
  afterAll(() => {
    sleeper.kill();
  });

  test('a live pid that is not our server is left alone', async () => {
    reported = { pid: sleeper.pid };
    const { code, out, err } = await apiStop();
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `sky: error: The server at ${url} reports pid ${sleeper.pid}, which is not a skypilot-ts server here (sleep 60); not stopping it.`,
    ]);
    expect(isAlive(sleeper.pid ?? 0)).toBe(true);
  });

  test('nor is the CLI itself', async () => {
    reported = { pid: process.pid };
    const { code, err } = await apiStop();
    expect(code).toBe(1);
    expect(err[0]).toMatch(new RegExp(`reports pid ${process.pid}, which is not a skypilot-ts server here`));
  });

  test('a pid that is no process here (a container behind a port-forward)', async () => {
    const gone = spawn('true');
    await new Promise((resolve) => gone.once('exit', resolve));
    reported = { pid: gone.pid };
    const { code, err } = await apiStop();
    expect(code).toBe(1);
    expect(err).toEqual([
      `sky: error: The server at ${url} reports pid ${gone.pid}, which is no process here (a container or a port-forward?); stop it where it runs.`,
    ]);
  });

  test('a server that reports no pid', async () => {
    reported = {};
    const { code, err } = await apiStop();
    expect(code).toBe(1);
    expect(err).toEqual([
      `sky: error: The server at ${url} does not report its pid (not skypilot-ts, or an older one); stop it where it was started.`,
    ]);
  });

  test('a remote endpoint, without asking it anything', async () => {
    const { code, err } = await apiStop('http://sky.invalid:46580');
    expect(code).toBe(1);
    expect(err).toEqual([
      'sky: error: The API server at http://sky.invalid:46580 is not on this machine; `sky api stop` only stops local servers.',
    ]);
  });
});

test('nothing listening: says so, exit 0', async () => {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => probe.once('listening', resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const { code, out } = await apiStop(`http://127.0.0.1:${port}`);
  expect(code).toBe(0);
  expect(out).toEqual([`No SkyPilot API server is running at http://127.0.0.1:${port}.`]);
});
