/**
 * The dashboard's only door to the server. Every call goes to `<prefix>/internal/dashboard/<path>` at the
 * page's origin, like the official dashboard:
 * - scheduled(): 200 + `X-Skypilot-Request-ID`, then one blocking `GET /api/get?request_id=<id>` and
 *   `JSON.parse(payload.return_value)`. An HTTP 500 there carries `{detail: payload}` whose `error` is a
 *   JSON string with `message`.
 * - direct(): the JSON body at once (health, users, role, plugins, ssh node pools).
 * - streamText(): chunked text/plain (cluster job logs, managed job logs).
 * Every failure becomes an ApiError whose message is fit to show to a person.
 */
import type { RequestPayload } from '../../api/wireTypes';
import { ApiError, errorFromHttpBody, errorFromRequestPayload } from '../../client/apiError';
import { basePrefix } from './router';
import { HEADERS } from '../../vocab/headers';

export { ApiError };

export function apiUrl(path: string): string {
  return `${basePrefix()}/internal/dashboard${path}`;
}

/** Identity sent in `env_vars`, like the official dashboard's POST wrapper; filled from /users/role. */
const identity = { id: 'local', name: '' };
export function setIdentity(id: string, name: string): void {
  identity.id = id || 'local';
  identity.name = name;
}

/**
 * Whether the server is the demo with sandbox sessions (set by the layout from /api/health): there,
 * clusters and jobs change by themselves after a start or a launch, and pages watch them closely.
 */
let sandboxMode = false;
export function setSandboxMode(on: boolean): void {
  sandboxMode = on;
}
export function isSandboxMode(): boolean {
  return sandboxMode;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  return errorFromHttpBody(res.status, await res.text().catch(() => ''));
}

function networkError(message: string): ApiError {
  return new ApiError({ status: 0, type: 'NetworkError', code: 'network_error', message });
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers = { ...init.headers, 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path), init);
  } catch {
    throw networkError('Cannot reach the API server');
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

function withEnv(body: Record<string, unknown>): Record<string, unknown> {
  const env: Record<string, string> = { SKYPILOT_IS_FROM_DASHBOARD: 'true', SKYPILOT_USER_ID: identity.id };
  if (identity.name) env.SKYPILOT_USER = identity.name;
  return { ...body, env_vars: env };
}

/** A scheduled request: its result comes from one blocking /api/get. */
export async function scheduled<T>(method: 'GET' | 'POST', path: string, body?: Record<string, unknown>): Promise<T> {
  const res = await send(method, path, method === 'POST' ? withEnv(body ?? {}) : undefined);
  let id = res.headers.get(HEADERS.requestId) ?? res.headers.get(HEADERS.genericRequestId);
  if (!id) {
    const parsed = tryJson(await res.text());
    const fromBody = parsed && typeof parsed === 'object' ? (parsed as { request_id?: unknown }).request_id : null;
    if (typeof fromBody !== 'string') {
      throw new ApiError({
        status: res.status,
        type: 'ProtocolError',
        code: 'no_request_id',
        message: 'The server did not return a request id',
      });
    }
    id = fromBody;
  }
  const got = await send('GET', `/api/get?request_id=${encodeURIComponent(id)}`);
  const payload = (await got.json()) as RequestPayload;
  if (payload.status === 'FAILED') throw errorFromRequestPayload(500, payload as unknown as Record<string, unknown>);
  if (payload.status === 'CANCELLED') {
    throw new ApiError({ status: 200, type: 'RequestCancelled', code: 'request_cancelled', message: 'The request was cancelled' });
  }
  const rv = payload.return_value;
  if (rv === undefined || rv === null || rv === '') return null as T;
  return (typeof rv === 'string' ? JSON.parse(rv) : rv) as T;
}

/** A direct request: JSON body plus the response headers. */
export async function directWithHeaders<T>(path: string): Promise<{ data: T; headers: Headers }> {
  const res = await send('GET', path);
  return { data: (await res.json()) as T, headers: res.headers };
}

export async function direct<T>(path: string): Promise<T> {
  return (await directWithHeaders<T>(path)).data;
}

/** A direct POST (the sandbox session's extend and reset): the JSON body at once. */
export async function directPost<T>(path: string, body: Record<string, unknown> = {}): Promise<T> {
  return (await (await send('POST', path, body)).json()) as T;
}

/** A streaming POST: calls onChunk with the text so far as it arrives; resolves with all of it. */
export async function streamText(
  path: string,
  body: Record<string, unknown>,
  onChunk?: (textSoFar: string) => void,
  signal?: AbortSignal,
): Promise<string> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'text/plain' },
      body: JSON.stringify(withEnv(body)),
      signal,
    });
  } catch {
    if (signal?.aborted) return '';
    throw networkError('Cannot reach the API server');
  }
  if (!res.ok) throw await errorOf(res);
  if (!res.body) {
    const text = await res.text();
    onChunk?.(text);
    return text;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      onChunk?.(text);
    }
  } catch {
    if (signal?.aborted) return text;
    throw networkError('The log stream was interrupted');
  }
  text += decoder.decode();
  onChunk?.(text);
  return text;
}
