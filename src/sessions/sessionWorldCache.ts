/**
 * The world the demo's fakes read, in sandbox mode: the shared world for a visitor without changes
 * (the common case, served as before), otherwise that session's world. Its version moves with the
 * session's changes, so caches keyed on `stateVersion()` (the `/status` answers) never hand one
 * session another's answer.
 *
 * A session's world is derived at most once per second of the demo clock and change count, and
 * shared by that session's requests in that second (every request reads the current user at least,
 * so deriving it per request cost half the round trips).
 *
 * Bounded by count and by bytes. A world is keyed by the shared world's version, which moves every
 * second, so a world of an earlier second is never asked for again: those are dropped as soon as the
 * version moves (kept, each pinned its own copy of the shared world, ~140 KB, beside its own bytes).
 * Within a second, at most `WORLDS_MAX` worlds and `WORLDS_MAX_BYTES` of them, by an estimate
 * measured to be above what a world retains (`worldBytes`; tests/sandbox/sessionMemory.test.ts
 * holds it to the heap), the least recently derived going first.
 */
import { demoNowSeconds } from '../living/worldClock';
import type { World } from '../demo/world';
import type { WorldCache } from '../demo/worldCache';
import { currentScope, type SessionScope } from './sessionContext';
import type { Change } from './sessionChanges';
import { type Simulation, sessionWorld } from './sessionWorld';

const WORLDS_MAX = 512;
/** The budget of the session worlds kept at once (per process). */
export const WORLDS_MAX_BYTES = 32 * 1024 * 1024;

/**
 * What a session's world retains beyond the shared world, over-estimated (by a third or more).
 * Measured (V8 heap after a full GC, the demo's fixtures): 16-20 KB for a world with a change or
 * two (its copied maps and arrays), ~10 KB more once it has a launch (GPU use and job sections
 * derived again), then 2-4 KB per change, a launch the most (its cluster, job, events and log
 * lines). A launch's log is counted whole, twice (job and provisioning log), so a sandbox.yaml with
 * longer logs is counted too.
 */
export function worldBytes(changes: readonly Change[], changeBytes: number, simulation: Simulation): number {
  let bytes = 24 * 1024 + changes.length * 5 * 1024 + 4 * changeBytes;
  let launches = 0;
  for (const change of changes) {
    if (change.kind !== 'launch') continue;
    launches++;
    const log = simulation.launch[change.recipe]?.log;
    bytes += 2 * (log ? (simulation.texts[log]?.length ?? 0) : 0);
  }
  return bytes + (launches ? 12 * 1024 : 0);
}

export interface SessionWorldCache extends WorldCache {
  /** Worlds kept now, and their estimated bytes (never above `maxBytes`). */
  kept(): { worlds: number; bytes: number };
}

export function sessionWorldCache(base: WorldCache, simulation: () => Simulation, maxBytes = WORLDS_MAX_BYTES): SessionWorldCache {
  const worlds = new Map<string, { world: World; bytes: number }>();
  let bytes = 0;
  let baseVersion = '';
  const changedSession = (): SessionScope | null => {
    const scope = currentScope();
    return scope?.session?.changes.length ? scope : null;
  };
  const versionOf = (version: string, scope: SessionScope) =>
    `${version}:session:${scope.session!.id}:${scope.session!.generation}:${scope.session!.changes.length}`;
  const drop = (key: string) => {
    bytes -= worlds.get(key)!.bytes;
    worlds.delete(key);
  };
  return {
    current() {
      const scope = changedSession();
      if (!scope) return base.current();
      const version = base.version();
      if (version !== baseVersion) {
        // A new second (or fixture edit): no world kept so far can be asked for again.
        worlds.clear();
        bytes = 0;
        baseVersion = version;
      }
      const key = versionOf(version, scope);
      if (scope.world?.key === key) return scope.world.world;
      let world = worlds.get(key)?.world;
      if (!world) {
        const sim = simulation();
        const session = scope.session!;
        world = sessionWorld(base.current(), session.changes, demoNowSeconds(), sim);
        const size = worldBytes(session.changes, session.bytes, sim);
        while (worlds.size && (worlds.size >= WORLDS_MAX || bytes + size > maxBytes)) drop(worlds.keys().next().value!);
        // A world larger than the whole budget serves its request and is not kept.
        if (size <= maxBytes) {
          worlds.set(key, { world, bytes: size });
          bytes += size;
        }
      }
      scope.world = { key, world };
      return world;
    },
    version() {
      const scope = changedSession();
      return scope ? versionOf(base.version(), scope) : base.version();
    },
    kept: () => ({ worlds: worlds.size, bytes }),
  };
}
