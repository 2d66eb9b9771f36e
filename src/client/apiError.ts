/**
 * `ApiError`: the one error type the SkyPilot client throws.
 *
 * It normalises every failure shape the client can meet:
 * - a scheduled request that ran and failed (`GET /api/get` → 500 `{detail: <payload>}` whose `error`
 *   is a JSON string `{type, message}`),
 * - this server's typed refusals (`{detail: string, error: {type, code, message, issues?}}`),
 * - upstream SkyPilot's plain `{detail: string}` (and FastAPI's `{detail: [{loc, msg}]}` for 422),
 * - upstream's version check (`{error: "version_mismatch", message}`),
 * - network failures (`status` 0).
 */

export interface ApiErrorIssue {
  path: string;
  message: string;
}

export interface ApiErrorInit {
  status: number;
  type: string;
  code: string;
  message: string;
  requestId?: string;
  issues?: ApiErrorIssue[];
  cause?: unknown;
}

const RETRYABLE_HTTP = new Set([502, 503, 504]);

export class ApiError extends Error {
  /** HTTP status, or 0 when no HTTP answer was received (network failure). */
  readonly status: number;
  /** SkyPilot error type, e.g. `ClusterDoesNotExist`, `DemoModeError`, `ValidationError`. */
  readonly type: string;
  /** Machine-readable code, e.g. `not_found`, `request_failed`, `ECONNREFUSED`. */
  readonly code: string;
  readonly requestId?: string;
  readonly issues?: ApiErrorIssue[];

  constructor(init: ApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.issues !== undefined) this.issues = init.issues;
  }

  isNotFound(): boolean {
    return this.status === 404 || this.type === 'ClusterDoesNotExist' || /NotFound(Error)?$/.test(this.type);
  }

  isReadOnly(): boolean {
    return this.type === 'DemoModeError';
  }

  /** Network failures and 502/503/504 may succeed on a later attempt; nothing else will. */
  isRetryable(): boolean {
    return this.status === 0 || RETRYABLE_HTTP.has(this.status);
  }

  isNetworkError(): boolean {
    return this.status === 0;
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonString(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function typeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 413:
      return 'PayloadTooLarge';
    case 422:
      return 'ValidationError';
    case 502:
      return 'BadGateway';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'GatewayTimeout';
    default:
      return 'HttpError';
  }
}

/** Upstream's demo fork answers some writes with a bare `{detail: "...not allowed in Demo Mode"}`. */
function looksLikeDemoRefusal(message: string): boolean {
  return /demo mode|read-only demo/i.test(message);
}

/** The error recorded in a failed request payload (the `error` field is a JSON string). */
export function errorFromRequestPayload(status: number, payload: Json): ApiError {
  const requestId = typeof payload.request_id === 'string' ? payload.request_id : undefined;
  const parsed = parseJsonString(payload.error);
  const type = isObject(parsed) && typeof parsed.type === 'string' ? parsed.type : 'RequestFailed';
  const message =
    isObject(parsed) && typeof parsed.message === 'string' ? parsed.message : `Request ${requestId ?? ''} failed`.replace('  ', ' ');
  return new ApiError({ status, type, code: 'request_failed', message, requestId });
}

/**
 * Builds an `ApiError` from any non-2xx HTTP answer. `text` is the raw body (may be empty or non-JSON).
 */
export function errorFromHttpBody(status: number, text: string, requestId?: string): ApiError {
  const body = parseJsonString(text);
  const fallbackType = typeForStatus(status);

  if (isObject(body)) {
    const detail = body.detail;
    const error = body.error;
    // This server's typed body: {detail, error: {type, code, message, issues?}}
    if (isObject(error) && typeof error.message === 'string') {
      const issues = Array.isArray(error.issues) ? (error.issues as ApiErrorIssue[]) : undefined;
      return new ApiError({
        status,
        type: typeof error.type === 'string' ? error.type : fallbackType,
        code: typeof error.code === 'string' ? error.code : `http_${status}`,
        message: error.message,
        requestId,
        issues,
      });
    }
    // A failed scheduled request: {detail: <request payload with error as JSON string>}
    if (isObject(detail) && 'error' in detail) {
      const err = errorFromRequestPayload(status, detail);
      return requestId && !err.requestId ? withRequestId(err, requestId) : err;
    }
    // Upstream's version check: {error: "version_mismatch", message}
    if (error === 'version_mismatch') {
      const message = typeof body.message === 'string' ? body.message : 'API version mismatch';
      return new ApiError({ status, type: 'VersionMismatch', code: 'version_mismatch', message, requestId });
    }
    // Upstream plain {detail: string}
    if (typeof detail === 'string') {
      const type = looksLikeDemoRefusal(detail) ? 'DemoModeError' : fallbackType;
      return new ApiError({ status, type, code: `http_${status}`, message: detail, requestId });
    }
    // FastAPI validation: {detail: [{loc, msg}]}
    if (Array.isArray(detail)) {
      const issues = detail.filter(isObject).map((d) => ({
        path: Array.isArray(d.loc) ? d.loc.join('.') : '',
        message: typeof d.msg === 'string' ? d.msg : JSON.stringify(d),
      }));
      const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
      return new ApiError({
        status,
        type: 'ValidationError',
        code: `http_${status}`,
        message: message || 'Invalid request',
        requestId,
        issues,
      });
    }
  }

  const snippet = text.trim().replace(/\s+/g, ' ').slice(0, 200);
  return new ApiError({
    status,
    type: fallbackType,
    code: `http_${status}`,
    message: snippet ? `HTTP ${status}: ${snippet}` : `HTTP ${status}`,
    requestId,
  });
}

/** A copy of `err` that names the request it belongs to. */
export function withRequestId(err: ApiError, requestId: string): ApiError {
  return new ApiError({
    status: err.status,
    type: err.type,
    code: err.code,
    message: err.message,
    requestId,
    issues: err.issues,
  });
}

/** Node's fetch throws `TypeError('fetch failed')` with the socket error as `cause`. */
export function networkErrorCode(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && isObject(current); depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    current = (current as { cause?: unknown }).cause;
  }
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'ETIMEDOUT';
  return 'NETWORK_ERROR';
}

function networkErrorDetail(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error && cause.message) return cause.message;
  if (err instanceof Error && err.message) return err.message;
  return String(err);
}

export function errorFromNetwork(err: unknown, endpoint: string): ApiError {
  const code = networkErrorCode(err);
  return new ApiError({
    status: 0,
    type: 'NetworkError',
    code,
    message: `Could not reach the SkyPilot API server at ${endpoint}: ${networkErrorDetail(err)}`,
    cause: err,
  });
}
