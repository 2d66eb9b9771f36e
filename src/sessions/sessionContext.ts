/**
 * Which session the code running now belongs to. The sandbox's request hook enters a context for
 * each request (AsyncLocalStorage), the app runs the endpoint inside it (`HookResult.scope`), and it
 * follows the request into the executor, so the state fakes, called deep inside an operation, read
 * and write the right session without any parameter naming it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { World } from '../demo/world';
import type { Session, SessionNotice } from './session';
import type { SessionStore } from './sessionStore';

export interface SessionScope {
  /** The visitor's session, or null: they see the shared world and may not write. */
  session: Session | null;
  /** Why the visitor has this session (`created`, `expired`) or none (`capacity`, `rate`, `unavailable`). */
  notice: SessionNotice | null;
  store: SessionStore;
  /** The session's world, derived at most once per request and second. */
  world: { key: string; world: World } | null;
}

const storage = new AsyncLocalStorage<SessionScope>();

export function currentScope(): SessionScope | null {
  return storage.getStore() ?? null;
}

export function runInScope<T>(scope: SessionScope, run: () => T): T {
  return storage.run(scope, run);
}
