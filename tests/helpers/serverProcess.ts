/**
 * A real server process for end-to-end tests: `node dist/src/server.js` (built by `npm run build`),
 * started with the given arguments and environment, resolved once it prints the port it listens on.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Everything it printed so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** A test-only endpoint that takes as long as it is told (tests/helpers/slowEndpoint.js), for `preload`. */
export const SLOW_ENDPOINT = './tests/helpers/slowEndpoint.js';

/** The demo's entry, as `npm start` picks it: with the visitor sessions' wing when it is built. */
export function demoEntry(): string {
  const entries = ['./dist/src/sessions/sessions.js', './dist/src/demo/demo.js'];
  return entries.find((entry) => fs.existsSync(path.join(ROOT, entry))) ?? entries[1];
}

export function startServerProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { demo?: boolean; preload?: string[] } = {},
): Promise<ServerProcess> {
  const preload = [...(options.demo ? [demoEntry()] : []), ...(options.preload ?? [])].flatMap((p) => ['-r', p]);
  const child = spawn(process.execPath, [...preload, 'dist/src/server.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 20 s:\n${output}`)), 20_000);
    const check = () => {
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      const port = Number(match[1]);
      resolve({
        child,
        port,
        url: `http://127.0.0.1:${port}`,
        output: () => output,
        exited,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timeout = setTimeout(() => child.kill('SIGKILL'), 8000);
          await exited;
          clearTimeout(timeout);
        },
      });
    };
    child.stdout!.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

/** POST (or GET) a scheduled request on one server, then its result from another. */
export async function roundTripAcross(post: string, get: string, path: string, body: unknown = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${post}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const id = res.headers.get('x-skypilot-request-id');
  if (res.status !== 200 || !id) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  const result = await fetch(`${get}/api/get?request_id=${encodeURIComponent(id)}`, { headers });
  return { id, status: result.status, body: (await result.json()) as Record<string, unknown> };
}

/**
 * Where the server's Prometheus metrics are (`SKYPILOT_METRICS_PORT=0` picks a port it prints), once
 * printed: the line comes right after the "listening" one, which may have arrived alone.
 */
export async function metricsUrlOf(server: { output(): string }, timeoutMs = 5000): Promise<string> {
  const printed = () => /Prometheus metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(server.output())?.[1];
  for (const started = Date.now(); !printed() && Date.now() - started < timeoutMs; ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const url = printed();
  if (!url) throw new Error(`no "Prometheus metrics at" line within ${timeoutMs} ms:\n${server.output()}`);
  return url;
}
