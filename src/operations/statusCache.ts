/**
 * `/status` answers cached by state version: the most frequent call of every dashboard page and CLI
 * is answered from a serialised result while nothing changed. The key holds everything the answer
 * depends on: the state version (which moves on every write, here or in another replica, and in the
 * demo every second), the filters, the caller when it filters by user, and the state functions
 * themselves, so a function replaced in a test or by the demo is never answered from another's cache.
 * Bounded: at most MAX_ENTRIES answers, entries of an older version are dropped first.
 */
import { JsonText } from '../requests/executor';
import { globalUserState } from '../state/globalUserState';

const MAX_ENTRIES = 64;

let sources: { getClusters: unknown; stateVersion: unknown } | null = null;
let version: string | null = null;
const answers = new Map<string, JsonText>();

export async function cachedStatus(key: string, compute: () => Promise<string>): Promise<JsonText> {
  const current = await globalUserState.stateVersion();
  if (!sources || sources.getClusters !== globalUserState.getClusters || sources.stateVersion !== globalUserState.stateVersion
    || version !== current) {
    answers.clear();
    sources = { getClusters: globalUserState.getClusters, stateVersion: globalUserState.stateVersion };
    version = current;
  }
  const hit = answers.get(key);
  if (hit !== undefined) return hit;
  const text = new JsonText(await compute());
  // Only keep it if nothing changed while it was computed.
  if (version === (await globalUserState.stateVersion()) && sources.getClusters === globalUserState.getClusters) {
    if (answers.size >= MAX_ENTRIES) answers.delete(answers.keys().next().value!);
    answers.set(key, text);
  }
  return text;
}
