/**
 * The demo's words that live outside src/demo, all here: the headers browsers and clients read, and
 * the error types clients decode. They cannot move into the demo, because the clients (the typed
 * client, the dashboard's pages) and the CORS policy must spell them without importing it; everything
 * else of the demo and its sessions lives in src/demo and src/sessions.
 */
export const DEMO_HEADERS = {
  /** `true` on the read-only demo, `sandbox` on the demo with sandbox sessions. */
  demo: 'X-SkyPilot-Demo',
  demoSession: 'X-Demo-Session-Id',
  /** Why a sandbox visitor has the session they have: `created`, `expired`, or why they have none. */
  demoSessionNotice: 'X-Demo-Session-Notice',
} as const;

/** The demo's refusals and the sessions' errors, answered with an HTTP status and the typed body. */
export const DEMO_ERROR_TYPES = ['DemoModeError', 'DemoSessionError'] as const;

/** The Python class a client rebuilds for each (a read-only demo refuses as RBAC does). */
export const DEMO_ERROR_CLASSES = { DemoModeError: 'PermissionDeniedError', DemoSessionError: 'ValueError' } as const;
