/**
 * What the HTTP plumbing offers extensions (the demo, plugins) on every request: hooks that run
 * before any endpoint code, and a way to name visitors. The plumbing reads them from its AppContext,
 * which the app fills from `appExtensions` (src/appExtensions.ts), so nothing here points up to the app.
 */
import type { HealthResponse } from '../api/wireTypes';
import type { HttpError } from '../errors';
import type { Viewer } from '../requests/requestRecord';
import type { HttpCall, HttpReply } from './httpCall';
import type { RequestScope } from './requestScope';

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

/** The extension points the plumbing reads per request. */
export interface RequestExtensions {
  requestHooks: readonly RequestHook[];
  /** Names who is asking when the app itself cannot (demo visitors); null: the caller's user decides. */
  identifyVisitor: (args: { call: HttpCall; address: string }) => Viewer | null;
  /** How long a log follow lasts when `SKYPILOT_LOG_FOLLOW_MAX_SECONDS` is unset: 0 (none) on the nightly. */
  logFollowSeconds: number;
  /** Fields an extension adds to `/api/health` (the demo's world fingerprint). */
  healthFields: () => Partial<HealthResponse>;
}
