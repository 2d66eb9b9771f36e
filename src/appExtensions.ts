/**
 * Extension points of the app, for modules that add behaviour by being imported (the demo, plugins)
 * without the app knowing them. Every point is a property of this one object, so an extension
 * installs itself with `sandbox.replace(appExtensions, ...)` and its `restore()` undoes it all.
 * `createApp` and `listen` read them when called, so a module imported before start is in time; the
 * request hooks and visitor naming are read per request, through the AppContext (http/extensions.ts).
 */
import type { Server } from 'node:http';
import type { Endpoint } from './http/endpoint';
import type { RequestExtensions } from './http/extensions';
import type { RateLimitSpec } from './http/rateLimit';

export type { HookResult, RequestHook } from './http/extensions';

export interface AppExtensions extends RequestExtensions {
  serverHooks: readonly ((server: Server) => void)[];
  /** The rate limit when `SKYPILOT_RATE_LIMIT` is unset: none on the nightly. */
  defaultRateLimit: RateLimitSpec | null;
  /** Endpoints an extension serves besides the app's own (mounted after them, on the Express path). */
  endpoints: readonly Endpoint[];
  /** Tags put before `</head>` of the official dashboard export's pages as served (the sandbox banner). */
  officialHtmlInjection: () => string | null;
}

export const appExtensions: AppExtensions = {
  requestHooks: [],
  serverHooks: [],
  identifyVisitor: () => null,
  defaultRateLimit: null,
  endpoints: [],
  logFollowSeconds: 0,
  healthFields: () => ({}),
  officialHtmlInjection: () => null,
};
