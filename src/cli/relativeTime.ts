/**
 * Human-readable times in SkyPilot's style (`readable_time_duration`): relative ("2 hrs ago",
 * "5 mins ago", "a few secs ago", "3 days ago") and absolute durations ("1h 2m 3s"). The rounding
 * and the phrasing are shared with the dashboard (src/common/readableTime.ts); only the wording is here.
 *
 * "Now" is injectable: `SKYPILOT_NOW` (ISO date or epoch seconds) if set, so output is deterministic.
 */
import dayjs from 'dayjs';
import { durationParts, namedUnits, type RelativeWording, relativeTime } from '../common/readableTime';
import type { Env } from '../client/endpoint';

/** `SKYPILOT_NOW` as ISO or epoch seconds; the real clock when unset or unparsable. */
export function resolveNow(env: Env = process.env, fallback: () => Date = () => new Date()): Date {
  const raw = env.SKYPILOT_NOW?.trim();
  if (raw) {
    if (/^\d+(\.\d+)?$/.test(raw)) return new Date(Number(raw) * 1000);
    const parsed = dayjs(raw);
    if (parsed.isValid()) return parsed.toDate();
  }
  return fallback();
}

/** SkyPilot's wording: `2 hrs ago`, `in 5 mins`, `a few secs ago` below ten seconds. */
const WORDING: RelativeWording = {
  units: namedUnits({ year: 'year', month: 'month', week: 'week', day: 'day', hour: 'hr', minute: 'min', second: 'sec' }),
  recentBelow: 10,
  recent: { past: 'a few secs ago', future: 'in a few secs' },
};

/** Relative time of an epoch-seconds timestamp, e.g. `2 hrs ago`; `-` when unknown. */
export function formatRelative(epochSeconds: number | null | undefined, now: Date): string {
  return relativeTime(epochSeconds, now.getTime() / 1000, WORDING);
}

const DURATION_UNITS = namedUnits({ week: 'w', day: 'd', hour: 'h', minute: 'm', second: 's' });

/** Absolute duration in seconds, e.g. `1h 2m 3s`, `3d 4h`, `< 1s`; `-` when unknown. */
export function formatDuration(totalSeconds: number | null | undefined): string {
  if (totalSeconds === null || totalSeconds === undefined || !Number.isFinite(totalSeconds) || totalSeconds < 0) {
    return '-';
  }
  const parts = durationParts(totalSeconds, DURATION_UNITS).filter((part) => part.count > 0);
  if (parts.length === 0) return '< 1s';
  return parts.map((part) => `${part.count}${part.unit.name}`).join(' ');
}

/** Seconds between two epoch-seconds timestamps, `end` defaulting to `now`. */
export function secondsBetween(start: number | null | undefined, end: number | null | undefined, now: Date): number | null {
  if (start === null || start === undefined || start <= 0) return null;
  const stop = end === null || end === undefined || end <= 0 ? now.getTime() / 1000 : end;
  return Math.max(0, stop - start);
}
