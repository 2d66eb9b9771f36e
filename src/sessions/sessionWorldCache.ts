/**
 * The world the demo's fakes read, in sandbox mode: the shared world for a visitor without changes
 * (the common case, served as before), otherwise that session's world. Its version moves with the
 * session's changes, so caches keyed on `stateVersion()` (the `/status` answers) never hand one
 * session another's answer.
 *
 * A session's world is derived at most once per second of the demo clock and change count, and
 * shared by that session's requests in that second (every request reads the current user at least,
 * so deriving it per request cost half the round trips); a bounded number are kept.
 */
import { demoNowSeconds } from '../demo/demoClock';
import type { World } from '../demo/world';
import type { WorldCache } from '../demo/worldCache';
import { currentScope, type SessionScope } from './sessionContext';
import { type Simulation, sessionWorld } from './sessionWorld';

const WORLDS_MAX = 512;

export function sessionWorldCache(base: WorldCache, simulation: () => Simulation): WorldCache {
  const worlds = new Map<string, World>();
  const changedSession = (): SessionScope | null => {
    const scope = currentScope();
    return scope?.session?.changes.length ? scope : null;
  };
  const versionOf = (baseVersion: string, scope: SessionScope) =>
    `${baseVersion}:session:${scope.session!.id}:${scope.session!.generation}:${scope.session!.changes.length}`;
  return {
    current() {
      const scope = changedSession();
      if (!scope) return base.current();
      const key = versionOf(base.version(), scope);
      if (scope.world?.key === key) return scope.world.world;
      let world = worlds.get(key);
      if (!world) {
        world = sessionWorld(base.current(), scope.session!.changes, demoNowSeconds(), simulation());
        if (worlds.size >= WORLDS_MAX) worlds.delete(worlds.keys().next().value!);
        worlds.set(key, world);
      }
      scope.world = { key, world };
      return world;
    },
    version() {
      const scope = changedSession();
      return scope ? versionOf(base.version(), scope) : base.version();
    },
  };
}
