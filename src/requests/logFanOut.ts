/**
 * Followers of one request's log (`/api/stream?follow=true`) share one reader: a source per followed
 * request reads the log and the request's status once per activity (or poll), and hands the same
 * view to every follower, so 400 followers of a request cost one read loop, not 400 (a review
 * measured 400 separate loops stalling every other request by 2.4 s). The source starts with its
 * first follower and stops when the request finishes or its last follower leaves; nothing is held
 * for a request nobody follows. Who may follow was decided before subscribing (each follower found
 * the request with its own viewer; a request's owner never changes), so the source reads as admin.
 */
import { isFinishedRequest } from '../vocab/statuses';
import type { RequestRecord, Viewer } from './requestRecord';
import type { RequestStore } from './requestStore';

/** What every follower of a request is shown: the log so far and the request as it stands. */
export interface LogView {
  log: string;
  /** Null when the request is gone (retention): the follow ends. */
  record: RequestRecord | null;
  /** The request finished (or is gone): nothing more will come. */
  done: boolean;
}

type Follower = (view: LogView) => void;

/** How long a source waits for new output before looking again (another replica's log has no event here). */
const POLL_MS = 250;
const SOURCE_VIEWER: Viewer = { principal: 'log-fan-out', admin: true };

interface Source {
  followers: Set<Follower>;
  last: LogView | null;
}

const sourcesByStore = new WeakMap<RequestStore, Map<string, Source>>();
let running = 0;

/** Sources reading now, over every store (tests: one per followed request, none when nobody follows). */
export function logSourceCount(): number {
  return running;
}

/**
 * Follows `requestId`'s log: `onView` gets the latest view at once when the request already has a
 * source, then every view its source reads, until the view that is `done`. Returns the unsubscribe.
 */
export function followRequestLog(store: RequestStore, requestId: string, onView: Follower): () => void {
  let sources = sourcesByStore.get(store);
  if (!sources) {
    sources = new Map();
    sourcesByStore.set(store, sources);
  }
  const existing = sources.get(requestId);
  const source = existing ?? { followers: new Set<Follower>(), last: null };
  source.followers.add(onView);
  if (!existing) {
    sources.set(requestId, source);
    void readLoop(store, requestId, source, sources);
  } else if (source.last) {
    const caughtUp = source.last;
    queueMicrotask(() => onView(caughtUp));
  }
  const owner = source;
  return () => {
    owner.followers.delete(onView);
  };
}

async function readLoop(store: RequestStore, requestId: string, source: Source, sources: Map<string, Source>): Promise<void> {
  running++;
  try {
    while (source.followers.size > 0) {
      let view: LogView;
      try {
        // The status first, then the log: a request that finishes between the two reads is then seen
        // unfinished (and read again), never finished with the log from before its last lines.
        const record = await store.get(requestId, SOURCE_VIEWER);
        const log = await store.getLog(requestId);
        view = { log, record, done: !record || isFinishedRequest(record.status) };
      } catch {
        // The store failed (closing, database down): the followers end rather than wait forever.
        view = { log: source.last?.log ?? '', record: null, done: true };
      }
      source.last = view;
      for (const follower of [...source.followers]) follower(view);
      if (view.done) break;
      await store.waitForActivity(requestId, POLL_MS);
    }
  } finally {
    running--;
    // A new follower arriving after the last view finds no source and starts its own.
    if (sources.get(requestId) === source) sources.delete(requestId);
  }
}
