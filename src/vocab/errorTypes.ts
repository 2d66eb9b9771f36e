/**
 * The error vocabulary. `type` is what clients switch on: SkyPilot's exception class names for
 * requests that ran and failed, and this server's types for refusals at the door. `code` is the
 * machine-readable reason, one literal per condition.
 */
import { DEMO_ERROR_CLASSES, DEMO_ERROR_TYPES } from './demoWords';

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
  'VolumeNotFoundError',
  'VolumeInUseError',
  'PermissionDeniedError',
  'ClientTooOld',
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
  ...DEMO_ERROR_TYPES,
  'Unauthorized',
  'Forbidden',
  'RateLimited',
  'DatabaseBusy',
  'ServerBusy',
  'ServerDraining',
  'RequestTimeout',
  'UserExistsError',
  'MethodNotAllowed',
  'DashboardNotBuilt',
  'InternalError',
] as const;
export type HttpErrorType = (typeof HTTP_ERROR_TYPES)[number] | RequestErrorType;

export type ErrorType = HttpErrorType;

/**
 * The Python class the official client rebuilds for each error type (`error.object.type`): upstream
 * raises these for the same conditions. The client looks the name up in `builtins`, then in
 * `sky.exceptions`; a name found in neither becomes a bare `Exception("<type>: <message>")`, so every
 * type we record maps to one it knows. `type` in the JSON stays ours: dashboards switch on it.
 */
export const PYTHON_EXCEPTION_CLASS: Readonly<Record<ErrorType, string>> = {
  // sky.exceptions, same name.
  ClusterDoesNotExist: 'ClusterDoesNotExist',
  ClusterNotUpError: 'ClusterNotUpError',
  NotSupportedError: 'NotSupportedError',
  PermissionDeniedError: 'PermissionDeniedError',
  RequestCancelled: 'RequestCancelled',
  // Upstream's core raises ValueError for a bad or unknown name, a clash, or a resource in use.
  InvalidInstanceTypeError: 'ValueError',
  UserNotFoundError: 'ValueError',
  UserInUseError: 'ValueError',
  UserExistsError: 'ValueError',
  WorkspaceExistsError: 'ValueError',
  WorkspaceNotFoundError: 'ValueError',
  WorkspaceInUseError: 'ValueError',
  ManagedJobNotFoundError: 'ValueError',
  JobNotFoundError: 'ValueError',
  VolumeNotFoundError: 'ValueError',
  VolumeInUseError: 'ValueError',
  ValidationError: 'ValueError',
  NotFoundError: 'ValueError',
  PayloadTooLarge: 'ValueError',
  MethodNotAllowed: 'ValueError',
  ...DEMO_ERROR_CLASSES,
  Unauthorized: 'PermissionDeniedError',
  Forbidden: 'PermissionDeniedError',
  // Upstream raises RuntimeError when a client is too old for what it asked (recipes below API 33).
  ClientTooOld: 'RuntimeError',
  // Conditions of the server, not of the request.
  ServerRestarted: 'RuntimeError',
  RateLimited: 'RuntimeError',
  DatabaseBusy: 'RuntimeError',
  ServerBusy: 'RuntimeError',
  ServerDraining: 'RuntimeError',
  RequestTimeout: 'RuntimeError',
  DashboardNotBuilt: 'RuntimeError',
  InternalError: 'RuntimeError',
};

/**
 * Keyword arguments a class needs besides its message: `ClusterNotUpError(message, cluster_status,
 * handle=None)` has a required `cluster_status` in older clients, and the jobs code reads it.
 */
export const PYTHON_EXCEPTION_ATTRIBUTES: Readonly<Partial<Record<string, Readonly<Record<string, null>>>>> = {
  ClusterNotUpError: { cluster_status: null, handle: null },
};

/** The Python class for a recorded error type; one we do not know (an older record) is a RuntimeError. */
export function pythonExceptionClass(type: string): string {
  return Object.hasOwn(PYTHON_EXCEPTION_CLASS, type) ? PYTHON_EXCEPTION_CLASS[type as ErrorType] : 'RuntimeError';
}
