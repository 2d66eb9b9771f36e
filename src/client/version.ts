/** Versions this client speaks and requires (see protocol reference, section 4.2). */

/** Sent as `X-SkyPilot-API-Version` on every request. */
export const CLIENT_API_VERSION = 27;

/** Servers below this API version are refused (SkyPilot's minimum compatible API version). */
export const MIN_SERVER_API_VERSION = 11;

/** Sent as `X-SkyPilot-Version`. */
export const CLIENT_VERSION = '1.0.0-dev0';

/** Parses an API version from a header or a body field; `undefined` when absent or not an integer. */
export function parseApiVersion(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value !== 'string' || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number.parseInt(value, 10);
}
