/** HTTP header names of SkyPilot's protocol and of this server, spelled once (the demo's in demoWords.ts). */
import { DEMO_HEADERS } from './demoWords';

export const HEADERS = {
  requestId: 'X-Skypilot-Request-ID',
  /** Upstream sends both; some proxies and the dashboard read the generic one. */
  genericRequestId: 'X-Request-ID',
  streamRequestId: 'X-SkyPilot-Stream-Request-ID',
  apiVersion: 'X-SkyPilot-API-Version',
  version: 'X-SkyPilot-Version',
  ...DEMO_HEADERS,
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
