/**
 * The fake world, built once per fixture version and per second of the demo's clock (times in the
 * world are relative to now, so they move each second), never per call. Callers get deep copies
 * (see fakes.ts), so the cached world itself is never handed out.
 */
import { demoNow, demoNowSeconds } from '../living/worldClock';
import type { FixtureSource } from './fixtureLoader';
import { buildWorld, type World } from './world';

export interface WorldCache {
  /** The current world: shared, read-only; copy before handing anything out. */
  current(): World;
  /** Changes whenever the world may have changed (a fixture edit, the next second). */
  version(): string;
}

export function createWorldCache(fixtures: FixtureSource): WorldCache {
  let built: { key: string; world: World } | null = null;
  const key = () => {
    fixtures.current(); // picks up an edited fixtures folder, moving the version
    const fixtureVersion = fixtures.version;
    return `${fixtureVersion}:${demoNowSeconds()}`;
  };
  return {
    current() {
      const k = key();
      if (built?.key !== k) {
        const source = fixtures.current();
        built = { key: k, world: buildWorld(source, demoNow(), source.contentHash) };
      }
      return built.world;
    },
    version: () => `demo:${key()}`,
  };
}
