/**
 * The caller's identity as SkyPilot clients send it in every body:
 * `env_vars: {SKYPILOT_USER_ID: <8-hex hash>, SKYPILOT_USER: <os user>}`.
 *
 * Hash: first 8 hex of md5("<os user>-<last 4 hex of md5(hostname)>"), cached in `~/.sky/user_hash`
 * when that file can be written (upstream `common_utils.get_user_hash`).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Env, homeDir } from './endpoint';

export interface UserIdentity {
  /** 8 lower-case hex characters. */
  hash: string;
  name: string;
}

const USER_HASH_RE = /^[0-9a-f]{8}$/;

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

/** Like Python's `getpass.getuser()`: LOGNAME, USER, LNAME, USERNAME, then the password database. */
export function osUserName(env: Env = process.env): string {
  for (const key of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
    const value = env[key];
    if (value) return value;
  }
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function computeUserHash(userName: string, hostname: string = os.hostname()): string {
  const hostHash = md5(hostname).slice(-4);
  return md5(`${userName}-${hostHash}`).slice(0, 8);
}

export interface IdentityOptions {
  env?: Env;
  home?: string;
  hostname?: string;
}

export function resolveIdentity(options: IdentityOptions = {}): UserIdentity {
  const env = options.env ?? process.env;
  const osUser = osUserName(env);
  const name = env.SKYPILOT_USER || osUser;
  const fromEnv = env.SKYPILOT_USER_ID?.trim();
  if (fromEnv) return { hash: fromEnv, name };

  const file = path.join(homeDir(env, options.home), '.sky', 'user_hash');
  try {
    const cached = fs.readFileSync(file, 'utf8').trim();
    if (USER_HASH_RE.test(cached)) return { hash: cached, name };
  } catch {
    // not cached yet
  }
  const hash = computeUserHash(osUser, options.hostname);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, hash, 'utf8');
  } catch {
    // read-only HOME: use the computed hash without caching it
  }
  return { hash, name };
}

export function envVarsFor(identity: UserIdentity): Record<string, string> {
  return { SKYPILOT_USER_ID: identity.hash, SKYPILOT_USER: identity.name };
}
