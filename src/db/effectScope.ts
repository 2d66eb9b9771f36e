/**
 * The request on whose behalf the state is being changed, carried through the async calls of its
 * operation. Set by the request plumbing around a write request's operation; read by the state
 * store, which records the request with each change it commits (src/state/requestEffects.ts), so
 * that after a crash the request is reported as what it did.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface EffectScope {
  requestId: string;
  /** Aborted when the request was given up (cancelled, or failed by a draining server): no change commits after it. */
  signal: AbortSignal;
}

const scopes = new AsyncLocalStorage<EffectScope>();

export function recordingEffects<T>(scope: EffectScope, fn: () => Promise<T>): Promise<T> {
  return scopes.run(scope, fn);
}

export function currentEffectScope(): EffectScope | undefined {
  return scopes.getStore();
}
