/**
 * Typed errors. Every error the API can answer with has a literal `code` and a SkyPilot error `type`;
 * `errorReply` and `errorBoundary` (src/http/errorReply.ts) are the one place that turns them into
 * responses.
 *
 * - `HttpError`: the request itself is refused (400, 403, 404, 413, ...): answered at once.
 * - `SkyPilotError`: a scheduled request ran and failed; recorded in the request's `error` field with
 *   SkyPilot's exception class name as `type` (`ClusterDoesNotExist`, `ClusterNotUpError`, ...).
 */

import type { HttpErrorType, RequestErrorType } from './vocab/errorTypes';

export interface ErrorIssue {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly type: HttpErrorType,
    message: string,
    readonly issues?: ErrorIssue[],
    /** Sent as `Retry-After`: the refusal is temporary (busy, rate limited). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = type;
  }
}

export class ValidationError extends HttpError {
  constructor(message: string, issues?: ErrorIssue[]) {
    super(400, 'invalid_request', 'ValidationError', message, issues);
  }
}

export class NotFoundError extends HttpError {
  constructor(message: string, code = 'not_found') {
    super(404, code, 'NotFoundError', message);
  }
}

export class SkyPilotError extends Error {
  constructor(
    readonly type: RequestErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export function clusterDoesNotExist(name: string): SkyPilotError {
  return new SkyPilotError('ClusterDoesNotExist', `Cluster '${name}' does not exist.`);
}
