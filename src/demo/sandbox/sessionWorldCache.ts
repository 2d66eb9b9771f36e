/**
 * The world the demo's fakes read, in sandbox mode: the shared world for a visitor without changes
 * (the common case, served as before), otherwise that session's world. Its version moves with the
 * session's changes, so caches keyed on `stateVersion()` (the `/status` answers) never hand one
 * session another's answer.
 */
import { demoNowSeconds } from '../demoClock';
import type { WorldCache } from '../worldCache';
import { currentScope } from './sessionContext';
import { type Simulation, sessionWorld } from './sessionWorld';

export function sessionWorldCache(base: WorldCache, simulation: () => Simulation): WorldCache {
  const changedSession = () => {
    const scope = currentScope();
    return scope?.session?.changes.length ? scope : null;
  };
  const versionOf = (baseVersion: string, scope: NonNullable<ReturnType<typeof changedSession>>) =>
    `${baseVersion}:session:${scope.session!.id}:${scope.session!.generation}:${scope.session!.changes.length}`;
  return {
    current() {
      const scope = changedSession();
      if (!scope) return base.current();
      const key = versionOf(base.version(), scope);
      if (scope.world?.key !== key) {
        scope.world = { key, world: sessionWorld(base.current(), scope.session!.changes, demoNowSeconds(), simulation()) };
      }
      return scope.world.world;
    },
    version() {
      const scope = changedSession();
      return scope ? versionOf(base.version(), scope) : base.version();
    },
  };
}
