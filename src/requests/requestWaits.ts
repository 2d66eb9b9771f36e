/**
 * Waiting for a request, here or on another replica: `/api/get` waits for its finish, `/api/stream`
 * for its next log output. A finish here wakes the waiter at once, as does another replica's NOTIFY
 * (the store turns it into the same event); a bounded poll of the database covers processes that
 * cannot notify (two servers on one SQLite file) and a missed notification.
 */
import { EventEmitter } from 'node:events';
import { isFinishedRequest } from '../vocab/statuses';
import type { RequestRecord } from './requestRecord';

/** Events by request id (`<id>`: finished, `log:<id>`: new output); any number of waiters. */
export class RequestEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  emit(event: string): void {
    this.emitter.emit(event);
  }

  /** Starts listening for `event` now; `wait` resolves at once if it came meanwhile, to whether it came. */
  listenFor(event: string): { wait(timeoutMs: number): Promise<boolean>; heard(): boolean; cancel(): void } {
    let fired = false;
    let wake: (() => void) | null = null;
    const onEvent = () => {
      fired = true;
      this.emitter.off(event, onEvent);
      wake?.();
    };
    this.emitter.on(event, onEvent);
    return {
      wait: (timeoutMs) =>
        fired
          ? Promise.resolve(true)
          : new Promise<boolean>((resolve) => {
              const timer = setTimeout(() => {
                this.emitter.off(event, onEvent);
                resolve(false);
              }, timeoutMs);
              wake = () => {
                clearTimeout(timer);
                resolve(true);
              };
            }),
      heard: () => fired,
      cancel: () => {
        this.emitter.off(event, onEvent);
      },
    };
  }

  /** Resolves on `event` or after `timeoutMs`. */
  waitFor(event: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(event, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.emitter.on(event, done);
    });
  }
}

export interface WaitSource {
  /** The request as it stands (memory, else the database), or null when the caller may not see it. */
  get(requestId: string): Promise<RequestRecord | null>;
  /** Whether this replica runs it, so its finish is announced here and no poll is needed. */
  isOurs(record: RequestRecord): boolean;
  /** How often to look at the database for a request another process runs. */
  pollMs: number;
  /** Counts the finished waits by what ended them (metrics). */
  wokenBy: { event: number; poll: number };
}

/**
 * How long a notification may trail the poll's read of the same finish and still count as the
 * event: both leave PostgreSQL at the commit, on two connections, and a busy process may read either
 * first. Only a notification later than this (or none) counts the wait as woken by the poll.
 */
export const NOTIFY_GRACE_MS = 250;

/** Counts a finished wait by what ended it; the answer does not wait for the count. */
function countWake(source: WaitSource, woken: 'event' | 'poll', finished: ReturnType<RequestEvents['listenFor']>): void {
  if (woken === 'event' || finished.heard()) {
    finished.cancel();
    source.wokenBy.event++;
    return;
  }
  void finished.wait(NOTIFY_GRACE_MS).then((heard) => {
    source.wokenBy[heard ? 'event' : 'poll']++;
  });
}

/** The request once finished, or as it stands after `timeoutMs`. */
export async function waitUntilFinished(
  events: RequestEvents,
  source: WaitSource,
  requestId: string,
  timeoutMs: number,
): Promise<RequestRecord | null> {
  const deadline = Date.now() + timeoutMs;
  let woken: 'event' | 'poll' | null = null;
  for (;;) {
    // Listening before reading: a finish announced while the read is in flight (another
    // replica's NOTIFY) would otherwise be missed, leaving this wait on the poll.
    const finished = events.listenFor(requestId);
    const record = await source.get(requestId);
    const left = deadline - Date.now();
    if (!record || isFinishedRequest(record.status) || left <= 0) {
      if (woken && record && isFinishedRequest(record.status)) countWake(source, woken, finished);
      else finished.cancel();
      return record;
    }
    const poll = source.isOurs(record) ? left : Math.min(left, source.pollMs);
    woken = (await finished.wait(poll)) ? 'event' : 'poll';
  }
}
