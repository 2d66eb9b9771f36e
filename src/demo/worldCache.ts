/**
 * The fake world, built once per fixture version and per second of the demo's clock (times in the
 * world are relative to now, so they move each second), never per call. Callers get deep copies
 * (see fakes.ts), so the cached world itself is never handed out.
 */
import { demoNow, demoNowSeconds } from './demoClock';
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
  // Asked several times per request: the key's text is made once per second (or fixture edit).
  let last = { fixtureVersion: 0, second: 0, key: '', version: '' };
  const key = () => {
    fixtures.current(); // picks up an edited fixtures folder, moving the version
    const fixtureVersion = fixtures.version;
    const second = demoNowSeconds();
    if (last.fixtureVersion !== fixtureVersion || last.second !== second) {
      const k = `${fixtureVersion}:${second}`;
      last = { fixtureVersion, second, key: k, version: `demo:${k}` };
    }
    return last;
  };
  return {
    current() {
      const k = key().key;
      if (built?.key !== k) {
        const source = fixtures.current();
        built = { key: k, world: buildWorld(source, demoNow(), source.contentHash) };
      }
      return built.world;
    },
    version: () => key().version,
  };
}
