/**
 * Version facts of the protocol (SkyPilot's `sky/server/constants.py`), shared by the server, which
 * advertises them, and by the client, which sends and checks them.
 */

/**
 * The API version this server speaks and this client sends as `X-SkyPilot-API-Version`: upstream's
 * 53 (`/users/me/workspace`, June 2026). Every gate from 28 to 53 is answered as docs/api-versions.md
 * says; a client's behaviour that depends on the server's version is what that table lists.
 */
export const API_VERSION = 53;

/**
 * Peers below this API version are refused. Upstream's own minimum is 24; this server keeps answering
 * older clients (mid-2025, API 11+) with pickles, as docs/api-versions.md records.
 */
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
 * Upstream's `serialize_kubernetes_node_info` strips each key below the version that added it; so
 * does this table. Keys not listed (the first five) every client knows. The dashboard sends no API
 * version and gets every key.
 */
export const NODE_INFO_KEY_MIN_API_VERSION: Readonly<Record<string, number>> = {
  is_ready: 25,
  cpu_count: 26,
  memory_gb: 26,
  cpu_free: 26,
  memory_free_gb: 26,
  is_cordoned: 28,
  taints: 28,
};

/** Launching `recipes:<name>` needs a client of at least this version (upstream's `check_recipe_launch`). */
export const RECIPE_LAUNCH_MIN_API_VERSION = 33;

/**
 * From here a launch that names no workspace goes where `GET /users/me/workspace` resolves (upstream's
 * `_should_resolve_workspace`); older clients land in `default`, as they always did.
 */
export const PREFERRED_WORKSPACE_MIN_API_VERSION = 53;
