/**
 * What a sandbox session may do beyond the read-only demo's reads: an explicit list of writes, each
 * simulated inside the session, and the session's own endpoints. Default deny, as the read-only
 * allowlist: anything not listed here or there is refused, including endpoints added later. Users may
 * change roles only (creating or deleting users, and passwords, stay refused); the server config,
 * `/api/cancel` and every other write stay refused.
 */
export const SESSION_WRITES: ReadonlyArray<readonly ['POST', string]> = [
  ['POST', '/stop'],
  ['POST', '/start'],
  ['POST', '/down'],
  ['POST', '/autostop'],
  ['POST', '/cancel'],
  ['POST', '/jobs/cancel'],
  ['POST', '/users/update'],
  ['POST', '/workspaces/create'],
  ['POST', '/workspaces/update'],
  ['POST', '/workspaces/delete'],
  ['POST', '/volumes/delete'],
  ['POST', '/launch'],
  // What `sky launch` calls before /launch (launchPreflight.ts); neither changes the session.
  ['POST', '/validate'],
  ['POST', '/optimize'],
];

/** The session's own endpoints (sessionEndpoints.ts); allowed with or without a session. */
export const SESSION_API: ReadonlyArray<readonly ['GET' | 'POST' | 'DELETE', string]> = [
  ['GET', '/demo/session'],
  ['POST', '/demo/session'],
  ['DELETE', '/demo/session'],
  ['POST', '/demo/session/extend'],
  ['POST', '/demo/session/reset'],
  ['GET', '/demo/stats'],
  // The official dashboard's banner (officialBanner.ts).
  ['GET', '/demo/banner.js'],
  ['GET', '/demo/banner.css'],
];

const writes = new Set(SESSION_WRITES.map(([m, p]) => `${m} ${p}`));
const api = new Set(SESSION_API.map(([m, p]) => `${m} ${p}`));

export function isSessionWrite(target: { method: string; path: string }): boolean {
  return writes.has(`${target.method} ${target.path}`);
}

export function isSessionApi(target: { method: string; path: string }): boolean {
  return api.has(`${target.method} ${target.path}`);
}
