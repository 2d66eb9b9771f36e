/**
 * Upstream endpoints this build does not implement (it provisions and runs nothing), answered the way
 * each one's client understands a refusal. A bare 404 is the worst answer: the official client calls
 * `raise_for_status` on every scheduling POST (`server_common.handle_request_error`), so any 4xx
 * prints a raw `HTTPError` traceback without our text. So:
 * - `request`: upstream schedules it; 200 and a request id whose request already FAILED with
 *   `NotSupportedError`, which the CLI prints as one line and exits 1 (`sdk.get` raises it);
 * - `stream`: upstream streams the request's log in the POST's answer; the same failed request
 *   behind an empty text stream, so the client prints nothing, then the one line;
 * - `validate`: upstream's `/validate` is direct, and the client reads only a 400 whose `detail` is
 *   a serialized exception (`sdk.validate`); `sky launch`, `sky exec`, `sky jobs launch` and
 *   `sky serve up` call it first, so this is the one line they print;
 * - `direct`: a direct endpoint (uploads, a preferred workspace); the typed 404 whose `detail` the
 *   dashboard shows.
 * Paths and request names are upstream's (`sky/client/sdk.py`, `sky/jobs/client/sdk.py`,
 * `sky/serve/client/impl.py`, `sky/server/requests/request_names.py`, the dashboard's connectors).
 * The demo refuses the writes among them with its read-only message in the same shapes
 * (src/http/refusal.ts), and allows the reads, which answer as here. Nothing runs: a failed request
 * is memory-only, like a read.
 */
import { HttpError } from '../errors';
import type { Endpoint } from '../http/endpoint';
import { errorReply, exceptionDetailReply } from '../http/errorReply';
import { failedRequestReply } from '../http/scheduled';
import { pythonExceptionClass } from '../vocab/errorTypes';

export type UnsupportedAnswer = 'request' | 'stream' | 'validate' | 'direct';

export interface UnsupportedEndpoint {
  method: 'GET' | 'POST';
  path: string;
  /** Upstream's request name (`sky.` + RequestName), which the failed request carries. */
  name: string;
  answer: UnsupportedAnswer;
  /** Reads are allowed in the demo (they answer "not supported" there too); writes are refused. */
  effect: 'read' | 'write';
  /** What the user tried, as the message names it. */
  what: string;
}

const u = (
  method: UnsupportedEndpoint['method'],
  path: string,
  name: string,
  answer: UnsupportedAnswer,
  effect: UnsupportedEndpoint['effect'],
  what: string,
): UnsupportedEndpoint => ({ method, path, name, answer, effect, what });

export const UNSUPPORTED_ENDPOINTS: readonly UnsupportedEndpoint[] = [
  // Launching and running tasks: `sky launch` calls /validate, then /optimize (to show the plan), then
  // /launch; `sky exec` /validate then /exec.
  u('POST', '/validate', 'sky.validate', 'validate', 'write', 'Launching or running tasks'),
  u('POST', '/optimize', 'sky.optimize', 'request', 'write', 'Optimizing a task for launch'),
  u('POST', '/launch', 'sky.launch', 'request', 'write', 'sky launch'),
  u('POST', '/exec', 'sky.exec', 'request', 'write', 'sky exec'),
  u('POST', '/storage/delete', 'sky.storage_delete', 'request', 'write', 'sky storage delete'),
  u('POST', '/local_up', 'sky.local_up', 'request', 'write', 'sky local up'),
  u('POST', '/local_down', 'sky.local_down', 'request', 'write', 'sky local down'),
  u('GET', '/status_kubernetes', 'sky.status_kubernetes', 'request', 'read', 'sky status --kubernetes'),
  u('POST', '/ssh_node_pools/deploy', 'sky.ssh_node_pools.up', 'request', 'write', 'sky ssh up'),
  u('POST', '/ssh_node_pools/down', 'sky.ssh_node_pools.down', 'request', 'write', 'sky ssh down'),
  u('POST', '/volumes/apply', 'sky.volume_apply', 'request', 'write', 'sky volumes apply'),
  // Managed jobs and pools.
  u('POST', '/jobs/launch', 'sky.jobs.launch', 'request', 'write', 'sky jobs launch'),
  u('POST', '/jobs/pool_apply', 'sky.jobs.pool_apply', 'request', 'write', 'sky jobs pool apply'),
  u('POST', '/jobs/pool_down', 'sky.jobs.pool_down', 'request', 'write', 'sky jobs pool down'),
  u('POST', '/jobs/pool_logs', 'sky.jobs.pool_logs', 'stream', 'read', 'sky jobs pool logs'),
  u('POST', '/jobs/pool_sync-down-logs', 'sky.jobs.pool_sync_down_logs', 'request', 'read', 'sky jobs pool logs --sync-down'),
  // Services.
  u('POST', '/serve/up', 'sky.serve.up', 'request', 'write', 'sky serve up'),
  u('POST', '/serve/update', 'sky.serve.update', 'request', 'write', 'sky serve update'),
  u('POST', '/serve/down', 'sky.serve.down', 'request', 'write', 'sky serve down'),
  u('POST', '/serve/terminate_replica', 'sky.serve.terminate_replica', 'request', 'write', 'sky serve down --replica-id'),
  u('POST', '/serve/logs', 'sky.serve.logs', 'stream', 'read', 'sky serve logs'),
  u('POST', '/serve/sync-down-logs', 'sky.serve.sync_down_logs', 'request', 'read', 'sky serve logs --sync-down'),
  // The dashboard's recipe writes (scheduled upstream; this build serves the list and one recipe).
  u('POST', '/recipes/create', 'sky.recipes.create', 'request', 'write', 'Creating a recipe'),
  u('POST', '/recipes/update', 'sky.recipes.update', 'request', 'write', 'Editing a recipe'),
  u('POST', '/recipes/delete', 'sky.recipes.delete', 'request', 'write', 'Deleting a recipe'),
  u('POST', '/recipes/pin', 'sky.recipes.pin', 'request', 'write', 'Pinning a recipe'),
  // Added by API 34-53 (docs/api-versions.md): the clients call them once the server advertises their
  // version. Labelling GPU nodes (34), waiting on a managed job (45), debug dumps (46), lifecycle-hook
  // logs (52), and saving a preferred workspace (53; reading it is served).
  u('POST', '/kubernetes_label_gpus', 'sky.kubernetes_label_gpus', 'request', 'write', 'sky gpus label'),
  u('POST', '/jobs/wait', 'sky.jobs.wait', 'request', 'read', 'Waiting on a managed job (sky.jobs.wait)'),
  u('POST', '/debug/dump_create', 'sky.create_debug_dump', 'request', 'write', 'sky debug-dump'),
  u('POST', '/hook_logs', 'sky.hook_logs', 'stream', 'read', 'sky logs --hook'),
  u('POST', '/users/me/workspace', 'users.me.workspace', 'direct', 'write', 'Saving a preferred workspace'),
  // File uploads for a launch's workdir and file mounts (v1, and v2 from API 41): nothing runs here.
  u('POST', '/upload', 'sky.upload', 'direct', 'write', 'Uploading files for a launch'),
  u('POST', '/upload_v2', 'sky.upload_v2', 'direct', 'write', 'Uploading files for a launch'),
  u('GET', '/upload_v2/blob', 'sky.upload_v2', 'direct', 'write', 'Uploading files for a launch'),
];

const byRoute = new Map(UNSUPPORTED_ENDPOINTS.map((e) => [`${e.method} ${e.path}`, e]));

/** The unsupported endpoint at a routed method and path, if it is one. */
export function unsupportedAt(target: { method: string; path: string }): UnsupportedEndpoint | undefined {
  return byRoute.get(`${target.method} ${target.path}`);
}

export function notSupported(e: UnsupportedEndpoint): HttpError {
  return new HttpError(
    404,
    'not_supported',
    'NotSupportedError',
    `${e.what} is not supported by this SkyPilot API server (skypilot-ts): it serves SkyPilot's reads and the lifecycle of existing clusters, and provisions or runs nothing.`,
  );
}

/** `error` answered as `e`'s client understands a refusal (see the header); nothing runs. */
export function refusalInKind(
  e: UnsupportedEndpoint,
  error: HttpError,
  call: Parameters<typeof failedRequestReply>[1],
  app: Parameters<typeof failedRequestReply>[2],
) {
  switch (e.answer) {
    case 'validate':
      return Promise.resolve(exceptionDetailReply(error));
    case 'direct':
      return Promise.resolve(errorReply(error));
    default:
      // Recorded as the Python class, as every refusal at the door is: the JSON type the dashboards
      // switch on and the pickled class the CLI rebuilds agree.
      return failedRequestReply(
        e,
        call,
        app,
        { type: pythonExceptionClass(error.type), message: error.message },
        e.answer === 'stream' ? 'stream' : 'json',
      );
  }
}

/**
 * The endpoints, mounted after the app's own and the extensions' (the sandbox's `/launch` wins over
 * the one here).
 */
export const unsupportedEndpoints: Endpoint[] = UNSUPPORTED_ENDPOINTS.map((e) => ({
  method: e.method,
  path: e.path,
  effect: e.effect,
  // An unsupported read runs nothing and answers "not supported" to anyone who may read (upstream's
  // viewer list has every one of them); an unsupported write needs what a write needs.
  ...(e.effect === 'read' ? { role: 'viewer' as const } : {}),
  direct: (call, app) => refusalInKind(e, notSupported(e), call, app),
}));
