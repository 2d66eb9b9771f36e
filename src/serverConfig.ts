/**
 * The server's configuration from its arguments and environment, checked before anything starts:
 * every mistake is one line naming the option (the caller prints it and exits 2).
 *
 * Options: `--host` (127.0.0.1), `--port` (46580), `--db-path` (else `SKYPILOT_STATE_DB`, else
 * `~/.sky/state.db`), `--requests-db` (else `SKYPILOT_REQUESTS_DB`, else
 * `~/.sky/api_server/requests.db`); `SKYPILOT_DB_CONNECTION_URI=postgresql://...` puts both stores
 * in PostgreSQL instead. See the README for the rest.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { appExtensions } from './appExtensions';
import type { DbTarget } from './db/dbTarget';
import { isPostgresUri } from './db/dbTarget';
import { parseTrustedProxies, type TrustProxy } from './http/clientAddress';
import { type CorsPolicy, parseCorsOrigins } from './http/cors';
import { type FollowLimits, parseFollowLimits } from './http/logFollow';
import { parseRateLimit, type RateLimitSpec } from './http/rateLimit';

export const DEFAULT_PORT = 46580;

export class ConfigError extends Error {}

export interface ServerConfig {
  host: string;
  port: number;
  state: DbTarget;
  requests: DbTarget;
  authUserHeader: string | null;
  /** Service-account bearer tokens authenticate (`SKYPILOT_SERVICE_ACCOUNTS`, else upstream's `ENABLE_SERVICE_ACCOUNTS`). */
  serviceAccounts: boolean;
  dashboardDir: string | null;
  cors: CorsPolicy;
  trustProxy: TrustProxy;
  rateLimit: RateLimitSpec | null;
  replicaId: string;
  /** How long a replica's heartbeat stays valid (`SKYPILOT_REPLICA_LEASE_SECONDS`, default 20). */
  leaseSeconds: number;
  /** Prometheus metrics on their own port (`SKYPILOT_METRICS_PORT`), loopback unless `SKYPILOT_METRICS_HOST`. */
  metrics: { port: number; host: string } | null;
  /** One JSON line per request on stdout (`SKYPILOT_ACCESS_LOG=1`). */
  accessLog: boolean;
  /** Log follows: longest, and most at once per client (http/logFollow.ts). */
  logFollow: FollowLimits;
}

function parsePort(raw: string, source: string): number {
  const text = raw.trim();
  const port = Number(text);
  if (text === '' || !/^\d+$/.test(text) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${source} must be an integer from 0 to 65535, got '${raw}'`);
  }
  return port;
}

function parseLease(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 20;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600) {
    throw new ConfigError(`SKYPILOT_REPLICA_LEASE_SECONDS must be a number of seconds from 1 to 3600, got '${raw}'`);
  }
  return seconds;
}

function parseFlag(raw: string | undefined, source: string): boolean {
  if (raw === undefined || raw.trim() === '') return false;
  if (/^(1|true|yes|on)$/i.test(raw.trim())) return true;
  if (/^(0|false|no|off)$/i.test(raw.trim())) return false;
  throw new ConfigError(`${source} must be 1 or 0, got '${raw}'`);
}

/** `--port -1` is a value, not an option: join such pairs so the range check can speak. */
function joinNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (/^--[a-z-]+$/.test(argv[i]) && i + 1 < argv.length && /^-\d/.test(argv[i + 1])) {
      out.push(`${argv[i]}=${argv[i + 1]}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

function wrap<T>(what: () => T): T {
  try {
    return what();
  } catch (error) {
    throw new ConfigError((error as Error).message.split('\n')[0]);
  }
}

/** HTTP's token characters (RFC 9110): what a header name may be made of. */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
/** Headers a client always controls or the protocol itself uses: naming one would let anyone be anyone. */
const NOT_AN_AUTH_HEADER = new Set(['host', 'cookie', 'content-type', 'content-length', 'user-agent', 'x-forwarded-for', 'forwarded']);

/**
 * `SKYPILOT_AUTH_USER_HEADER`: unset is no server auth. Set, it must be a header name, since a name
 * no request can carry (empty, spaces) would leave every request without an identity, and a header
 * every client sends anyway would make anyone whoever they claim.
 */
function parseAuthUserHeader(value: string | undefined): string | null {
  if (value === undefined) return null;
  const name = value.trim();
  if (!HEADER_NAME.test(name))
    throw new ConfigError(`SKYPILOT_AUTH_USER_HEADER must be an HTTP header name (got ${JSON.stringify(value)})`);
  if (NOT_AN_AUTH_HEADER.has(name.toLowerCase()) || name.toLowerCase().startsWith('x-skypilot-')) {
    throw new ConfigError(`SKYPILOT_AUTH_USER_HEADER must name the proxy's own header, not ${name}`);
  }
  return name;
}

export function parseServerConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const { values } = wrap(() =>
    parseArgs({
      args: joinNegativeValues(argv),
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'db-path': { type: 'string' },
        'requests-db': { type: 'string' },
      },
      strict: true,
    }),
  );
  const port =
    values.port !== undefined
      ? parsePort(values.port, '--port')
      : env.SKYPILOT_PORT !== undefined
        ? parsePort(env.SKYPILOT_PORT, 'SKYPILOT_PORT')
        : DEFAULT_PORT;
  // An empty setting is a mistake (a template left unfilled), never a request for the default:
  // the message names the option or variable that was actually used.
  const host = values.host ?? env.SKYPILOT_HOST ?? '127.0.0.1';
  if (!host.trim()) throw new ConfigError(`${values.host !== undefined ? '--host' : 'SKYPILOT_HOST'} must not be empty`);

  const postgres = isPostgresUri(env.SKYPILOT_DB_CONNECTION_URI);
  if (env.SKYPILOT_DB_CONNECTION_URI && !postgres) {
    throw new ConfigError('SKYPILOT_DB_CONNECTION_URI must be a postgresql:// URI');
  }
  for (const [flag, value] of [
    ['--db-path', values['db-path']],
    ['--requests-db', values['requests-db']],
  ] as const) {
    if (value !== undefined && !value.trim()) throw new ConfigError(`${flag} must not be empty`);
  }
  // Unset means the default under ~/.sky; set but empty would silently mean the same, so it is refused.
  for (const [flag, name, fallback] of [
    ['db-path', 'SKYPILOT_STATE_DB', '~/.sky/state.db'],
    ['requests-db', 'SKYPILOT_REQUESTS_DB', '~/.sky/api_server/requests.db'],
  ] as const) {
    const value = env[name];
    if (values[flag] === undefined && value !== undefined && !value.trim()) {
      throw new ConfigError(`${name} must not be empty (unset it to use ${fallback})`);
    }
  }
  const state: DbTarget = values['db-path']
    ? { kind: 'sqlite', path: path.resolve(values['db-path']), createDir: false }
    : postgres
      ? { kind: 'postgres', uri: env.SKYPILOT_DB_CONNECTION_URI! }
      : env.SKYPILOT_STATE_DB
        ? { kind: 'sqlite', path: env.SKYPILOT_STATE_DB, createDir: false }
        : { kind: 'sqlite', path: path.join(os.homedir(), '.sky', 'state.db'), createDir: true };
  const requestsPath = values['requests-db'] ?? env.SKYPILOT_REQUESTS_DB;
  const requests: DbTarget =
    postgres && !requestsPath
      ? { kind: 'postgres', uri: env.SKYPILOT_DB_CONNECTION_URI! }
      : requestsPath
        ? { kind: 'sqlite', path: path.resolve(requestsPath), createDir: false }
        : { kind: 'sqlite', path: path.join(os.homedir(), '.sky', 'api_server', 'requests.db'), createDir: true };

  return {
    host,
    port,
    state,
    requests,
    authUserHeader: parseAuthUserHeader(env.SKYPILOT_AUTH_USER_HEADER),
    serviceAccounts:
      env.SKYPILOT_SERVICE_ACCOUNTS !== undefined
        ? parseFlag(env.SKYPILOT_SERVICE_ACCOUNTS, 'SKYPILOT_SERVICE_ACCOUNTS')
        : parseFlag(env.ENABLE_SERVICE_ACCOUNTS, 'ENABLE_SERVICE_ACCOUNTS'),
    dashboardDir: env.SKYPILOT_DASHBOARD_DIR || null,
    cors: wrap(() => parseCorsOrigins(env.SKYPILOT_CORS_ORIGINS)),
    trustProxy: wrap(() => parseTrustedProxies(env.SKYPILOT_TRUSTED_PROXIES)),
    rateLimit: wrap(() => parseRateLimit(env.SKYPILOT_RATE_LIMIT, appExtensions.defaultRateLimit)),
    replicaId: env.SKYPILOT_REPLICA_ID || `${os.hostname()}:${port === 0 ? `ephemeral-${process.pid}` : port}`,
    leaseSeconds: parseLease(env.SKYPILOT_REPLICA_LEASE_SECONDS),
    metrics:
      env.SKYPILOT_METRICS_PORT !== undefined
        ? { port: parsePort(env.SKYPILOT_METRICS_PORT, 'SKYPILOT_METRICS_PORT'), host: env.SKYPILOT_METRICS_HOST || '127.0.0.1' }
        : null,
    accessLog: parseFlag(env.SKYPILOT_ACCESS_LOG, 'SKYPILOT_ACCESS_LOG'),
    logFollow: wrap(() => parseFollowLimits(env)),
  };
}
