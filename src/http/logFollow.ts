/**
 * Logs that follow (`sky logs -f`, `sky jobs logs -f`, the dashboards' log views): after the log so
 * far, new lines are written as they become due, and the stream closes when the job ends, with the
 * job's exit code as the request's result, as upstream's. Bounded by design:
 * - a follow lasts at most `SKYPILOT_LOG_FOLLOW_MAX_SECONDS` (then it closes like `--no-follow`);
 * - each client address holds at most `SKYPILOT_LOG_FOLLOWS_PER_CLIENT` follows at once (a typed 429
 *   past it);
 * - one shared timer wakes every follower once per tick, armed only while someone follows, so an
 *   idle follow costs no timer of its own and no CPU between ticks.
 * The nightly follows only when the maximum is set (its jobs' logs do not grow by themselves); the
 * demo, whose world moves with the clock, turns it on through the extensions' `logFollowSeconds`.
 */
import type { ServerResponse } from 'node:http';
import { HttpError } from '../errors';

export interface FollowLimits {
  /** 0: no following (the log so far, then close). */
  maxSeconds: number;
  perClient: number;
}

const DEFAULT_PER_CLIENT = 8;
/** The world moves in whole seconds (src/demo/worldCache.ts): a finer tick would find nothing new. */
const TICK_MS = 1000;

function parseCount(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
  return value;
}

/** The limits from the environment; throws one line naming the setting (checked on start). */
export function parseFollowLimits(env: NodeJS.ProcessEnv = process.env, defaultSeconds = 0): FollowLimits {
  return {
    maxSeconds: parseCount(env.SKYPILOT_LOG_FOLLOW_MAX_SECONDS, 'SKYPILOT_LOG_FOLLOW_MAX_SECONDS', defaultSeconds, 0, 86_400),
    perClient: parseCount(env.SKYPILOT_LOG_FOLLOWS_PER_CLIENT, 'SKYPILOT_LOG_FOLLOWS_PER_CLIENT', DEFAULT_PER_CLIENT, 1, 10_000),
  };
}

const following = new Map<string, number>();

/** Counts a follow against its client address; returns its release. Past the cap: a typed 429. */
export function admitFollow(address: string, limits: FollowLimits): () => void {
  const count = following.get(address) ?? 0;
  if (count >= limits.perClient) {
    throw new HttpError(
      429,
      'too_many_follows',
      'RateLimited',
      `This client already follows ${count} logs (at most ${limits.perClient}); close one, or ask with follow: false.`,
      undefined,
      5,
    );
  }
  following.set(address, count + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (following.get(address) ?? 1) - 1;
    if (left > 0) following.set(address, left);
    else following.delete(address);
  };
}

/** Follows open now, for tests and metrics. */
export function followCount(): number {
  let total = 0;
  for (const n of following.values()) total += n;
  return total;
}

let waiters: (() => void)[] = [];
let timer: NodeJS.Timeout | null = null;

/** Resolves at the next tick: one timer for every follower of every log. */
function nextTick(): Promise<void> {
  return new Promise((resolve) => {
    waiters.push(resolve);
    if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        const woken = waiters;
        waiters = [];
        for (const wake of woken) wake();
      }, TICK_MS);
      timer.unref();
    }
  });
}

/** Whether the shared timer is armed (tests: nobody follows, no timer). */
export function tickArmed(): boolean {
  return timer !== null;
}

/** A log being followed: how much of it was sent, and how to read it again. */
export interface Followable {
  /** Characters of the full log already sent (a `tail` sent fewer lines, but up to here). */
  sent: number;
  /** The full log now, whether the job has ended, and the request's result (the exit code). */
  poll: () => Promise<{ text: string; done: boolean; result: unknown }>;
}

/**
 * Writes what the log gains until the job ends, the client goes away or `maxSeconds` pass; returns
 * the result as of the last read (the exit code once the job ended).
 */
export async function followLog(res: ServerResponse, log: Followable, maxSeconds: number, initial: unknown): Promise<unknown> {
  let closed = false;
  res.once('close', () => {
    closed = true;
  });
  const deadline = Date.now() + maxSeconds * 1000;
  let sent = log.sent;
  let result = initial;
  while (!closed && Date.now() < deadline) {
    await nextTick();
    if (closed) break;
    const now = await log.poll();
    if (now.text.length > sent) res.write(now.text.slice(sent));
    sent = Math.max(sent, now.text.length);
    result = now.result;
    if (now.done) break;
  }
  return result;
}
