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

/**
 * Handles and Resources go to Python clients declaring at least this API version as dicts, to older
 * ones as base64 pickles (docs/decisions/0008-official-clients.md). Upstream PR #9302 (commit 96df019,
 * 2026-04-13) taught the client's decoders to accept a dict without bumping the version: upstream was
 * at 48, and the next bump, 49 (sky batch, 2026-04-22), came after it on every branch. So every
 * client declaring 49 decodes dicts; one declaring 48 may not, and gets pickles.
 */
export const DICT_OBJECTS_MIN_API_VERSION = 49;

/**
 * `KubernetesNodeInfo` is a dataclass in the Python client: a key it does not know raises TypeError.
 * Keys past the first five (`cpu_count`, `memory_gb`, `is_ready`, ...) came later; the version that
 * added them is not pinned, so Python clients below this one get the first five only. The dashboard
 * reads them as JSON and gets every key.
 */
export const EXTENDED_NODE_INFO_MIN_API_VERSION = 60;
export const BASIC_NODE_INFO_KEYS = ['name', 'accelerator_type', 'total', 'free', 'ip_address'] as const;
