/**
 * Extension points of the app, for modules that add behaviour by being imported (the demo, plugins)
 * without the app knowing them. Every point is a property of this one object, so an extension
 * installs itself with `sandbox.replace(appExtensions, ...)` and its `restore()` undoes it all.
 * `createApp` and `listen` read them when called, so a module imported before start is in time.
 */
import type { Server } from 'node:http';
import type { HealthResponse } from './api/wireTypes';
import type { HttpError } from './errors';
import type { Endpoint } from './http/endpoint';
import type { HttpCall, HttpReply } from './http/httpCall';
import type { RateLimitSpec } from './http/rateLimit';
import type { RequestScope } from './http/requestScope';
import type { Viewer } from './requests/requestRecord';

export interface HookResult {
  /** Headers added to the answer, whatever it is. */
  headers?: Record<string, string>;
  /** An answer given instead of the endpoint's (a refusal). */
  reply?: HttpReply;
  /** Runs the request's endpoint code inside this wrapper (an async context the hook set up). */
  scope?: RequestScope;
}

/** What the app offers a hook besides the request. */
export interface HookContext {
  /**
   * The answer to a refused request, as the endpoint's clients understand a refusal: for a scheduled
   * endpoint, 200 with a request id whose result is FAILED with `error` (the official CLI prints a
   * readable line only for a failed request, never for a 4xx on the POST); otherwise the typed error.
   * Nothing runs and nothing durable is stored. `target` is the method and path as routed.
   */
  refuse(error: HttpError, target: { method: string; path: string }): Promise<HttpReply>;
}

/** Runs on every request before the body is read or any endpoint code runs. */
export type RequestHook = (call: HttpCall, address: string, context: HookContext) => HookResult | null | Promise<HookResult | null>;

export interface AppExtensions {
  requestHooks: readonly RequestHook[];
  serverHooks: readonly ((server: Server) => void)[];
  /** Names who is asking when the app itself cannot (demo visitors); null: the caller's user decides. */
  identifyVisitor: (args: { call: HttpCall; address: string }) => Viewer | null;
  /** The rate limit when `SKYPILOT_RATE_LIMIT` is unset: none on the nightly. */
  defaultRateLimit: RateLimitSpec | null;
  /** Endpoints an extension serves besides the app's own (mounted after them, on the Express path). */
  endpoints: readonly Endpoint[];
  /** How long a log follow lasts when `SKYPILOT_LOG_FOLLOW_MAX_SECONDS` is unset: 0 (none) on the nightly. */
  logFollowSeconds: number;
  /** Fields an extension adds to `/api/health` (the demo's world fingerprint). */
  healthFields: () => Partial<HealthResponse>;
}

export const appExtensions: AppExtensions = {
  requestHooks: [],
  serverHooks: [],
  identifyVisitor: () => null,
  defaultRateLimit: null,
  endpoints: [],
  logFollowSeconds: 0,
  healthFields: () => ({}),
};
