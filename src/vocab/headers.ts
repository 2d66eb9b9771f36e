/** HTTP header names of SkyPilot's protocol and of this server, spelled once. */
export const HEADERS = {
  requestId: 'X-Skypilot-Request-ID',
  /** Upstream sends both; some proxies and the dashboard read the generic one. */
  genericRequestId: 'X-Request-ID',
  streamRequestId: 'X-SkyPilot-Stream-Request-ID',
  apiVersion: 'X-SkyPilot-API-Version',
  version: 'X-SkyPilot-Version',
  /** `true` on the read-only demo, `sandbox` on the demo with sandbox sessions. */
  demo: 'X-SkyPilot-Demo',
  demoSession: 'X-Demo-Session-Id',
  /** Why a sandbox visitor has the session they have: `created`, `expired`, or why they have none. */
  demoSessionNotice: 'X-Demo-Session-Notice',
  retryAfter: 'Retry-After',
} as const;

/** What browsers may read from a cross-origin answer (the dashboard reads the request ids). */
export const EXPOSED_HEADERS = [
  HEADERS.requestId,
  HEADERS.genericRequestId,
  HEADERS.apiVersion,
  HEADERS.version,
  HEADERS.streamRequestId,
  HEADERS.demo,
  HEADERS.retryAfter,
  HEADERS.demoSession,
  HEADERS.demoSessionNotice,
] as const;
