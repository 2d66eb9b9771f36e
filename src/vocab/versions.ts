/**
 * Version facts of the protocol (SkyPilot's `sky/server/constants.py`), shared by the server, which
 * advertises them, and by the client, which sends and checks them.
 */

/** The API version this server speaks and this client sends as `X-SkyPilot-API-Version`. */
export const API_VERSION = 27;

/** Peers below this API version are refused (upstream's minimum compatible API version). */
export const MIN_COMPATIBLE_API_VERSION = 11;

/** The development version string; upstream displays it as `1.0.0-dev0 (commit: abc123)`. */
export const VERSION = '1.0.0-dev0';

/** Parses an API version from a header or a body field; `undefined` when absent or not an integer. */
export function parseApiVersion(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value !== 'string' || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number.parseInt(value, 10);
}
