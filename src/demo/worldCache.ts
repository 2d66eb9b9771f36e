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
  let built: { fixtureVersion: number; second: number; world: World } | null = null;
  // The version of the last (fixture version, second) asked, as text: made once per second, not per call.
  let named = { fixtureVersion: -1, second: -1, version: '' };
  let fixtureVersion = 0; // where the fixtures and the clock are now (`look`, on every request)
  let second = 0;
  const look = () => {
    fixtures.current(); // picks up an edited fixtures folder, moving the version
    fixtureVersion = fixtures.version;
    second = demoNowSeconds();
  };
  return {
    current() {
      look();
      if (built?.fixtureVersion !== fixtureVersion || built.second !== second) {
        const source = fixtures.current();
        built = { fixtureVersion, second, world: buildWorld(source, demoNow(), source.contentHash) };
      }
      return built.world;
    },
    version: () => {
      look();
      if (named.fixtureVersion !== fixtureVersion || named.second !== second)
        named = { fixtureVersion, second, version: `demo:${fixtureVersion}:${second}` };
      return named.version;
    },
  };
}
