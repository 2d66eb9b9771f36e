/**
 * The local API server process that `sky api start` (and auto-start) manages: started detached as
 * `node <repo>/dist/src/server.js --host 127.0.0.1 --port <port>`, output in
 * `~/.sky/api_server/server.log`, pid in `~/.sky/api_server/server.pid`.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Env, homeDir } from '../client/endpoint';
import { CliError } from './errors';

export interface ServerFiles {
  dir: string;
  log: string;
  pid: string;
}

export function serverFiles(env: Env): ServerFiles {
  const dir = path.join(homeDir(env), '.sky', 'api_server');
  return { dir, log: path.join(dir, 'server.log'), pid: path.join(dir, 'server.pid') };
}

/**
 * The repository root: the nearest ancestor of this file with a package.json, skipping `dist/` (tsc
 * may copy package.json there when a module imports it).
 */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (path.basename(dir) !== 'dist' && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new CliError(`Cannot find the skypilot-ts installation above ${from}.`);
    dir = parent;
  }
}

export function serverScript(): string {
  return path.join(repoRoot(), 'dist', 'src', 'server.js');
}

export function readPid(files: ServerFiles): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(files.pid, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's command line, from /proc or else `ps`; undefined when neither can tell. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    // no /proc (macOS), or no such process
  }
  try {
    return (
      execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() ||
      undefined
    );
  } catch {
    return undefined;
  }
}

/**
 * Whether a pid runs our server: pids are reused, and a pid reported over a port-forward may belong
 * to another pid namespace. `ifUnknown` decides when the command line cannot be read.
 */
export function looksLikeOurServer(pid: number, ifUnknown = true): boolean {
  if (pid === process.pid) return false;
  const command = commandLineOf(pid);
  return command === undefined ? ifUnknown : command.includes('server.js');
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface StartOptions {
  env: Env;
  host: string;
  port: number;
  /** Resolves true once the server answers `/api/health`. */
  isHealthy: () => Promise<boolean>;
  timeoutMs?: number;
}

export interface StartResult {
  pid: number;
  log: string;
}

export async function spawnLocalServer(options: StartOptions): Promise<StartResult> {
  const script = serverScript();
  if (!fs.existsSync(script)) {
    throw new CliError(`The API server is not built (${script} is missing): run \`npm run build\` first.`);
  }
  const files = serverFiles(options.env);
  fs.mkdirSync(files.dir, { recursive: true });
  const logFd = fs.openSync(files.log, 'a');
  let exited: string | undefined;
  const child = spawn(process.execPath, [script, '--host', options.host, '--port', String(options.port)], {
    cwd: repoRoot(),
    env: options.env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  child.on('exit', (code, signal) => {
    exited = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  child.on('error', (err) => {
    exited = err.message;
  });
  child.unref();
  if (child.pid === undefined) throw new CliError(`Could not start the API server; see ${files.log}.`);
  fs.writeFileSync(files.pid, `${child.pid}\n`);

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited) {
      fs.rmSync(files.pid, { force: true });
      throw new CliError(`The API server stopped while starting (${exited}); see ${files.log}.`);
    }
    if (await options.isHealthy()) return { pid: child.pid, log: files.log };
    await delay(250);
  }
  throw new CliError(`The API server did not answer within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s; see ${files.log}.`);
}

export interface StopResult {
  pid?: number;
  stopped: boolean;
}

/**
 * SIGTERM, then wait until the process is gone: the server closes its listener and exits. One that
 * is still there after `timeoutMs` gets SIGKILL, so `sky api stop` never leaves the port taken.
 */
export async function terminate(pid: number, timeoutMs = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return; // already gone
    if ((err as NodeJS.ErrnoException).code === 'EPERM') throw new CliError(`Not permitted to stop pid ${pid} (another user's process).`);
    throw err;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await delay(100);
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGKILL');
  while (isAlive(pid) && Date.now() < deadline + 5_000) await delay(100);
}

/** Stops the server recorded in the pid file (started by `sky api start` or auto-start). */
export async function stopServer(env: Env, timeoutMs = 10_000): Promise<StopResult> {
  const files = serverFiles(env);
  const pid = readPid(files);
  if (pid === undefined) return { stopped: false };
  if (!isAlive(pid) || !looksLikeOurServer(pid)) {
    fs.rmSync(files.pid, { force: true });
    return { pid, stopped: false };
  }
  await terminate(pid, timeoutMs);
  fs.rmSync(files.pid, { force: true });
  return { pid, stopped: true };
}
