/**
 * Server processes and plain HTTP for the deployment tests: start a command, wait for the server's
 * "listening on" line (port 0 is allowed: the line has the real port), stop it with a signal and
 * see how it exits; requests from a chosen loopback source address, as a balancer's clients would be.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';

export interface Started {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const LISTENING = /listening on http:\/\/[^\s:]+:(\d+)/;

export function startServer(
  command: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<Started> {
  const [program, ...args] = command;
  const child = spawn(program, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command.join(' ')}: not listening after ${options.timeoutMs ?? 20000} ms:\n${output}`));
    }, options.timeoutMs ?? 20000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = LISTENING.exec(output);
      if (!match) return;
      clearTimeout(timer);
      const port = Number(match[1]);
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        child,
        output: () => output,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${command.join(' ')} exited ${code} before listening:\n${output}`));
    });
  });
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(
  url: string,
  options: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    localAddress?: string;
    timeoutMs?: number;
  } = {},
): Promise<Reply> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        localAddress: options.localAddress,
        // A fresh connection each time, so the source address and the balancer's choice are per request.
        agent: false,
        headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
        timeout: options.timeoutMs ?? 15000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${options.method ?? 'GET'} ${url}: no answer in time`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** POST /status, then GET /api/get for its request id: the protocol's round trip. */
export async function statusRoundTrip(
  base: string,
  options: { getBase?: string; localAddress?: string } = {},
): Promise<{
  requestId: string;
  record: { status: string; return_value: string | null };
  ms: number;
}> {
  const started = Date.now();
  const posted = await request(`${base}/status`, { method: 'POST', body: { all_users: true }, localAddress: options.localAddress });
  if (posted.status !== 200) throw new Error(`POST /status: ${posted.status} ${posted.body}`);
  const id = posted.headers['x-skypilot-request-id'];
  if (typeof id !== 'string' || !id) throw new Error('POST /status: no X-Skypilot-Request-ID header');
  const got = await request(`${options.getBase ?? base}/api/get?request_id=${encodeURIComponent(id)}`, {
    localAddress: options.localAddress,
  });
  if (got.status !== 200) throw new Error(`GET /api/get: ${got.status} ${got.body}`);
  return { requestId: id, record: JSON.parse(got.body) as { status: string; return_value: string | null }, ms: Date.now() - started };
}

/** A port free on loopback right now (for nginx, which cannot report the port it got for 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
