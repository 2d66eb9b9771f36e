/**
 * Per-run state shared by the commands: output helpers, "now", colour, and the client — created on
 * first use, after starting a local API server when none answers (as SkyPilot's CLI does).
 *
 * `out` and `err` are where every line reaches the terminal, so they are where server-supplied text
 * is made inert (sanitize.ts) — no command has to remember it. A line is one line: a newline inside
 * it is shown as `\n`, never printed.
 */
import { ApiError } from '../client/apiError';
import { type Env, isLocalEndpoint } from '../client/endpoint';
import { SkyClient } from '../client/skyClient';
import { colorEnabled, renderColors } from './colors';
import type { CliIo, SkyApi } from './io';
import { resolveNow } from './relativeTime';
import { sanitize } from './sanitize';
import { spawnLocalServer } from './serverProcess';
import { withSpinner } from './spinner';
import { HEADERS } from '../vocab/headers';

export interface CliContext {
  io: CliIo;
  env: Env;
  now: Date;
  color: boolean;
  debug: boolean;
  /** Prints one line, sanitized, with `paint`ed colours rendered. */
  out(line?: string): void;
  err(line: string): void;
  /** The client; may start a local server first unless `autoStart` is false. */
  client(options?: { autoStart?: boolean }): Promise<SkyApi>;
  spin<T>(message: string, work: () => Promise<T>): Promise<T>;
}

/** The line as it may reach a terminal. */
export function terminalLine(line: string): string {
  return renderColors(sanitize(line));
}

/** The demo replaced the session the CLI named (it had expired): say so once, with the new id. */
function demoSessionNotices(io: CliIo): (res: Response) => void {
  let told = false;
  return (res) => {
    if (told || res.headers.get(HEADERS.demoSessionNotice) !== 'expired') return;
    told = true;
    const id = res.headers.get(HEADERS.demoSession) ?? '';
    io.stderr.write(
      `${terminalLine(`sky: the demo session has expired; this command ran in a new one: export SKYPILOT_DEMO_SESSION=${id}`)}\n`,
    );
  };
}

export function newClient(io: CliIo, env: Env, debug: boolean, overrides: ConstructorParameters<typeof SkyClient>[0] = {}): SkyApi {
  if (io.createClient) return io.createClient(env);
  return new SkyClient({
    env,
    onResponse: demoSessionNotices(io),
    onRetry: debug
      ? ({ attempt, delayMs, error }) =>
          io.stderr.write(
            `${terminalLine(`sky: debug: attempt ${attempt} failed (${(error as Error).message}); retrying in ${delayMs} ms`)}\n`,
          )
      : undefined,
    ...overrides,
  });
}

/** One quick `/api/health` probe without retries: does anything listen at the endpoint? */
export async function answers(io: CliIo, env: Env): Promise<boolean> {
  const probe = newClient(io, env, false, { retry: { maxAttempts: 1 }, checkVersion: false, healthTimeoutMs: 2_000 });
  try {
    await probe.health();
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.isNetworkError()) return false;
    return true; // something answered, even if with an error
  }
}

function portOf(url: string): number {
  const parsed = new URL(url);
  if (parsed.port) return Number(parsed.port);
  return parsed.protocol === 'https:' ? 443 : 80;
}

async function autoStart(ctx: CliContext, client: SkyApi): Promise<void> {
  if (ctx.io.createClient || ctx.env.SKYPILOT_NO_AUTOSTART === '1') return;
  if (!isLocalEndpoint(client.endpoint)) return;
  if (await answers(ctx.io, ctx.env)) return;
  ctx.err(`sky: No SkyPilot API server at ${client.endpoint}; starting one in the background.`);
  await ctx.spin('Starting the SkyPilot API server', () =>
    spawnLocalServer({ env: ctx.env, host: '127.0.0.1', port: portOf(client.endpoint), isHealthy: () => answers(ctx.io, ctx.env) }),
  );
}

export function createContext(io: CliIo): CliContext {
  const env = io.env;
  const debug = env.SKY_DEBUG === '1';
  let client: SkyApi | undefined;
  const ctx: CliContext = {
    io,
    env,
    now: resolveNow(env),
    color: colorEnabled(io.stdout, env),
    debug,
    out: (line = '') => void io.stdout.write(`${terminalLine(line)}\n`),
    err: (line) => void io.stderr.write(`${terminalLine(line)}\n`),
    async client(options = {}) {
      if (!client) {
        const created = newClient(io, ctx.env, debug);
        if (options.autoStart !== false) await autoStart(ctx, created);
        client = created;
      }
      return client;
    },
    spin: (message, work) => withSpinner(io.stderr, message, work),
  };
  return ctx;
}
