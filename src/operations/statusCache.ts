/**
 * `/status` answers cached by state version: the most frequent call of every dashboard page and CLI
 * is answered from a serialised result while nothing changed. The key holds everything the answer
 * depends on: the state version (which moves on every write, here or in another replica, in the demo
 * every second, and in a sandbox session with each of its changes), the filters, the caller when it
 * filters by user, and the state functions themselves, so a function replaced in a test or by the
 * demo is never answered from another's cache.
 *
 * Entries are keyed by version rather than cleared when it moves: visitors of different sandbox
 * sessions (each its own version) and of the shared world take turns without emptying each other's
 * entries. Bounded: at most MAX_ENTRIES answers, the least recently used go first; an old version's
 * entries simply age out.
 */
import { andThen, type MaybePromise } from '../common/maybeAsync';
import { JsonText } from '../requests/executor';
import { globalUserState } from '../state/globalUserState';

const MAX_ENTRIES = 128;

let sources: { getClusters: unknown; stateVersion: unknown } | null = null;
const answers = new Map<string, JsonText>();
/**
 * Answers being computed, by the same key: the requests that miss together (the first of the demo's
 * tick, under load dozens at once) share one computation instead of each making its own. An entry
 * lives while its computation runs.
 */
const computing = new Map<string, Promise<JsonText>>();

/**
 * The answer already serialised for `key` at the state's current version, else null (nothing
 * computed); at once when the state's version is (the demo's), so a settled round trip waits for nothing.
 */
export function snapshotStatus(key: string): MaybePromise<JsonText | null> {
  if (!sources || sources.getClusters !== globalUserState.getClusters || sources.stateVersion !== globalUserState.stateVersion) {
    answers.clear();
    computing.clear();
    sources = { getClusters: globalUserState.getClusters, stateVersion: globalUserState.stateVersion };
  }
  return andThen(globalUserState.stateVersion(), (version) => {
    const versioned = `${version}\u0000${key}`;
    const hit = answers.get(versioned);
    if (hit === undefined) return null;
    answers.delete(versioned);
    answers.set(versioned, hit);
    return hit;
  });
}

export async function cachedStatus(key: string, compute: () => Promise<string>): Promise<JsonText> {
  const hit = await snapshotStatus(key);
  if (hit) return hit;
  const version = await globalUserState.stateVersion();
  const versioned = `${version}\u0000${key}`;
  const running = computing.get(versioned);
  if (running) return running;
  const answer = (async () => {
    const text = new JsonText(await compute());
    // Only keep it if nothing changed while it was computed.
    if (version === (await globalUserState.stateVersion()) && sources?.getClusters === globalUserState.getClusters) {
      if (answers.size >= MAX_ENTRIES) answers.delete(answers.keys().next().value!);
      answers.set(versioned, text);
    }
    return text;
  })().finally(() => {
    if (computing.get(versioned) === answer) computing.delete(versioned);
  });
  computing.set(versioned, answer);
  return answer;
}
