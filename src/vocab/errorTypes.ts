/**
 * The error vocabulary. `type` is what clients switch on: SkyPilot's exception class names for
 * requests that ran and failed, and this server's types for refusals at the door. `code` is the
 * machine-readable reason, one literal per condition.
 */

/** Failures of a request that ran (recorded in the request; upstream's `sky.exceptions` names). */
export const REQUEST_ERROR_TYPES = [
  'ClusterDoesNotExist',
  'ClusterNotUpError',
  'NotSupportedError',
  'InvalidInstanceTypeError',
  'UserNotFoundError',
  'UserInUseError',
  'WorkspaceExistsError',
  'WorkspaceNotFoundError',
  'WorkspaceInUseError',
  'ManagedJobNotFoundError',
  'JobNotFoundError',
  'PermissionDeniedError',
  'RequestCancelled',
  'ServerRestarted',
  'InternalError',
] as const;
export type RequestErrorType = (typeof REQUEST_ERROR_TYPES)[number];

/** Refusals answered at once with an HTTP status and the typed error body. */
export const HTTP_ERROR_TYPES = [
  'ValidationError',
  'NotFoundError',
  'PayloadTooLarge',
  'DemoModeError',
  'RateLimited',
  'DatabaseBusy',
  'ServerBusy',
  'RequestTimeout',
  'UserExistsError',
  'MethodNotAllowed',
  'DashboardNotBuilt',
  'InternalError',
] as const;
export type HttpErrorType = (typeof HTTP_ERROR_TYPES)[number] | RequestErrorType;

export type ErrorType = HttpErrorType;
