/**
 * HTTP transport: builds URLs and headers, calls fetch, retries what may be retried and turns every
 * failure into an `ApiError`. Knows nothing about SkyPilot endpoints.
 */
import { ApiError, errorFromHttpBody, errorFromNetwork } from './apiError';
import type { ResolvedEndpoint } from './endpoint';
import { RetryExhausted, type RetryHooks, type RetryPolicy, withRetry } from './retry';
import { API_VERSION, VERSION } from '../vocab/versions';
import { HEADERS } from '../vocab/headers';

export type QueryValue = string | number | boolean | null | undefined | readonly string[];

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, QueryValue>;
  /** JSON body (POST only). */
  body?: unknown;
  headers?: Record<string, string>;
  /** `false` disables retries for this request. */
  retry?: boolean;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  /** A long poll (`/api/get`): the retry time budget starts at the first failure. */
  longPoll?: boolean;
}

export interface TransportOptions {
  endpoint: ResolvedEndpoint;
  fetch: typeof fetch;
  retry: RetryPolicy;
  hooks?: RetryHooks;
  /** Sent with every request (the demo sandbox's session id). */
  headers?: Record<string, string>;
  /** Sees every answer's headers, whatever its status (the demo says when it replaced a session). */
  onResponse?: (res: Response) => void;
}

export const REQUEST_ID_HEADER = HEADERS.requestId;

export function requestIdOf(res: Response): string | undefined {
  return res.headers.get(REQUEST_ID_HEADER) ?? res.headers.get(HEADERS.genericRequestId) ?? undefined;
}

export function buildUrl(base: string, path: string, query?: Record<string, QueryValue>): string {
  const url = new URL(base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`));
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, item);
    else url.searchParams.set(key, String(value));
  }
  return url.toString();
}

export class Transport {
  constructor(private readonly options: TransportOptions) {}

  get endpoint(): string {
    return this.options.endpoint.url;
  }

  private headers(req: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      [HEADERS.apiVersion]: String(API_VERSION),
      [HEADERS.version]: VERSION,
      ...(this.options.headers ?? {}),
      ...(req.headers ?? {}),
    };
    if (req.body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.options.endpoint.authorization) headers.Authorization = this.options.endpoint.authorization;
    return headers;
  }

  /** One attempt: resolves with a 2xx response, or rejects with an `ApiError`. */
  private async attempt(req: HttpRequest, url: string): Promise<Response> {
    let res: Response;
    try {
      res = await this.options.fetch(url, {
        method: req.method,
        headers: this.headers(req),
        body: req.body === undefined ? undefined : JSON.stringify(req.body),
        signal: req.timeoutMs ? AbortSignal.timeout(req.timeoutMs) : undefined,
      });
    } catch (err) {
      throw errorFromNetwork(err, this.endpoint);
    }
    this.options.onResponse?.(res);
    if (res.ok) return res;
    let text = '';
    try {
      text = await res.text();
    } catch {
      // body lost with the connection: the status is all we know
    }
    throw errorFromHttpBody(res.status, text, requestIdOf(res));
  }

  /** Sends `req`, retrying network errors and 502/503/504 within the policy. */
  async send(req: HttpRequest): Promise<Response> {
    const url = buildUrl(this.endpoint, req.path, req.query);
    const policy = req.retry === false ? { ...this.options.retry, maxAttempts: 1 } : this.options.retry;
    const shouldRetry = (err: unknown): boolean =>
      err instanceof ApiError && err.isRetryable() && !(req.longPoll && err.code === 'UND_ERR_HEADERS_TIMEOUT');
    try {
      return await withRetry(() => this.attempt(req, url), shouldRetry, policy, {
        ...this.options.hooks,
        budgetFrom: req.longPoll ? 'firstFailure' : 'start',
      });
    } catch (err) {
      if (!(err instanceof RetryExhausted)) throw err;
      const last = err.lastError as ApiError;
      if (err.attempts === 1) return Promise.reject(last);
      return Promise.reject(
        new ApiError({
          status: last.status,
          type: last.type,
          code: last.code,
          message: `${last.message} (${err.message})`,
          requestId: last.requestId,
          issues: last.issues,
          cause: last,
        }),
      );
    }
  }
}
