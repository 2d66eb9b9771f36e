/**
 * Who is calling. Order, as in SkyPilot: the authenticated user when auth is on; else the identity a
 * SkyPilot client sends in `env_vars` (`SKYPILOT_USER_ID`, `SKYPILOT_USER`); else this machine's
 * stable local user. A user hash is 8 lower-case hex characters.
 *
 * One patchable object (see docs/decisions/0001-state-seam.md): the demo replaces it.
 */
import { createHash } from 'node:crypto';
import os from 'node:os';

export interface Identity {
  id: string;
  name: string;
}

export interface CallerContext {
  authUser?: Identity | null;
  envVars?: Record<string, unknown> | null;
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** Server-derived identities (basic auth, proxy e-mail headers) use md5(name)[:8]. */
export function userHashForName(name: string): string {
  return md5(name).slice(0, 8);
}

let localName: string | null = null;

/** Read once: the OS user does not change while the process runs, and asking costs a system call. */
function localUserName(): string {
  if (localName === null) {
    try {
      localName = os.userInfo().username;
    } catch {
      localName = process.env.USER ?? 'local';
    }
  }
  return localName;
}

let localHash: string | null = null;

export const currentUser = {
  /** The local user's hash, as a SkyPilot client computes it: md5("<user>-<4 hex of md5(host)>")[:8]. */
  getUserHash(): string {
    // Computed once: the OS user and host name do not change while the process runs.
    localHash ??= md5(`${localUserName()}-${md5(os.hostname()).slice(-4)}`).slice(0, 8);
    return localHash;
  },

  getCurrentUser(context: CallerContext = {}): Identity {
    if (context.authUser) return context.authUser;
    const id = context.envVars?.SKYPILOT_USER_ID;
    const name = context.envVars?.SKYPILOT_USER;
    if (typeof id === 'string' && id.length > 0) {
      return { id, name: typeof name === 'string' && name ? name : id };
    }
    return { id: currentUser.getUserHash(), name: localUserName() };
  },
};

export type CurrentUser = typeof currentUser;
