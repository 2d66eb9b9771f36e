/**
 * Typed errors. Every error the API can answer with has a literal `code` and a SkyPilot error `type`;
 * `httpErrorBoundary` (src/http/errorBoundary.ts) is the one place that turns them into responses.
 *
 * - `HttpError`: the request itself is refused (400, 403, 404, 413, ...): answered at once.
 * - `SkyPilotError`: a scheduled request ran and failed; recorded in the request's `error` field with
 *   SkyPilot's exception class name as `type` (`ClusterDoesNotExist`, `ClusterNotUpError`, ...).
 */

export interface ErrorIssue {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly type: string,
    message: string,
    readonly issues?: ErrorIssue[],
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

export type SkyPilotErrorType =
  | 'ClusterDoesNotExist'
  | 'ClusterNotUpError'
  | 'NotSupportedError'
  | 'InvalidInstanceTypeError'
  | 'UserNotFoundError'
  | 'UserInUseError'
  | 'WorkspaceExistsError'
  | 'WorkspaceNotFoundError'
  | 'WorkspaceInUseError'
  | 'ManagedJobNotFoundError'
  | 'RequestCancelled'
  | 'ServerRestarted'
  | 'InternalError';

export class SkyPilotError extends Error {
  constructor(readonly type: SkyPilotErrorType, message: string) {
    super(message);
    this.name = type;
  }
}

export function clusterDoesNotExist(name: string): SkyPilotError {
  return new SkyPilotError('ClusterDoesNotExist', `Cluster '${name}' does not exist.`);
}
