/**
 * The world's clock ("now", of which the living world is a function) and its relative times.
 * Fixture times are written relative to now (`2h ago`, `1d 4h ago`), so the world never goes stale.
 * `SKYPILOT_NOW` (ISO date or epoch seconds) pins now, for reproducible tests and screenshots.
 */
import dayjs from 'dayjs';

let parsedPin: { text: string; at: dayjs.Dayjs | null } | null = null;

function pinnedNow(): dayjs.Dayjs | null {
  const pinned = process.env.SKYPILOT_NOW;
  if (!pinned) return null;
  if (parsedPin?.text !== pinned) {
    // Date.parse, not dayjs(text): dayjs rolls an impossible date (month 13) over instead of refusing it.
    const parsed = /^\d+(\.\d+)?$/.test(pinned) ? dayjs.unix(Number(pinned)) : dayjs(Date.parse(pinned));
    parsedPin = { text: pinned, at: parsed.isValid() ? parsed : null };
  }
  return parsedPin.at;
}

/** Why `SKYPILOT_NOW` cannot pin the clock, or null when it is unset or valid (checked on start). */
export function pinnedNowError(pinned = process.env.SKYPILOT_NOW): string | null {
  if (!pinned) return null;
  const at = /^\d+(\.\d+)?$/.test(pinned) ? dayjs.unix(Number(pinned)) : dayjs(Date.parse(pinned));
  if (at.isValid()) return null;
  return `SKYPILOT_NOW must be an ISO date (2026-01-31T12:00:00Z) or epoch seconds, got '${pinned}'`;
}

export function demoNow(): dayjs.Dayjs {
  return pinnedNow() ?? dayjs();
}

/**
 * Epoch seconds of now, without building a date object. Read once per turn of the event loop and
 * kept until its end (`setImmediate`): the requests answered in one turn (dozens under load) see
 * one second, and the clock (an environment read, asked several times per request) is read once
 * for all of them, not a few times for each.
 */
export function demoNowSeconds(): number {
  if (stretchSeconds === null) {
    stretchSeconds = pinnedNow()?.unix() ?? Math.floor(Date.now() / 1000);
    setImmediate(endStretch);
  }
  return stretchSeconds;
}

let stretchSeconds: number | null = null;

function endStretch(): void {
  stretchSeconds = null;
}

const UNIT: Record<string, dayjs.ManipulateType> = { m: 'minute', h: 'hour', d: 'day' };

/** `'1d 4h ago'` -> true; used by the fixture schema. */
export const RELATIVE_TIME = /^(\d+\s*[mhd]\s*)+ago$/;

/** Epoch seconds of a relative time such as `1d 4h ago`, measured from `now`. */
export function resolveAgo(text: string, now: dayjs.Dayjs): number {
  // From the whole second of now, as the world's `now` (demoNowSeconds) is: `45m ago` is exactly
  // 2700 s before it, so a duration the server measures (now - t) is never a second short, and one a
  // client measures with its own fractional clock is at least 2700 s. Rounding instead put every
  // time a second late whenever the world was built in the second half of a second.
  let at = dayjs.unix(now.unix());
  for (const [, amount, unit] of text.matchAll(/(\d+)\s*([mhd])/g)) at = at.subtract(Number(amount), UNIT[unit]);
  return at.unix();
}
