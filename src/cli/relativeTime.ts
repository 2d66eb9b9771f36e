/**
 * Human-readable times in SkyPilot's style (`readable_time_duration`): relative ("2 hrs ago",
 * "5 mins ago", "a few secs ago", "3 days ago") and absolute durations ("1h 2m 3s"). The rounding
 * is the one shared with the dashboard (src/common/readableTime.ts); only the wording is here.
 *
 * "Now" is injectable: `SKYPILOT_NOW` (ISO date or epoch seconds) if set, so output is deterministic.
 */
import dayjs from 'dayjs';
import { DAY, durationParts, HOUR, MINUTE, MONTH, nearestUnit, WEEK, wholeSeconds, YEAR } from '../common/readableTime';
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

const RELATIVE_UNITS = [
  { name: 'year', seconds: YEAR },
  { name: 'month', seconds: MONTH },
  { name: 'week', seconds: WEEK },
  { name: 'day', seconds: DAY },
  { name: 'hr', seconds: HOUR },
  { name: 'min', seconds: MINUTE },
  { name: 'sec', seconds: 1 },
];

/** Below this many (whole) seconds, SkyPilot says "a few secs". */
const FEW_SECONDS = 10;

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** Relative time of an epoch-seconds timestamp, e.g. `2 hrs ago`; `-` when unknown. */
export function formatRelative(epochSeconds: number | null | undefined, now: Date): string {
  if (epochSeconds === null || epochSeconds === undefined || !Number.isFinite(epochSeconds) || epochSeconds <= 0) {
    return '-';
  }
  const ago = now.getTime() / 1000 - epochSeconds;
  const future = Math.round(ago) < 0;
  let words: string;
  if (wholeSeconds(ago) < FEW_SECONDS) {
    words = 'a few secs';
  } else {
    const { count, unit } = nearestUnit(ago, RELATIVE_UNITS);
    words = plural(count, unit.name);
  }
  return future ? `in ${words}` : `${words} ago`;
}

const DURATION_UNITS = [
  { name: 'w', seconds: WEEK },
  { name: 'd', seconds: DAY },
  { name: 'h', seconds: HOUR },
  { name: 'm', seconds: MINUTE },
  { name: 's', seconds: 1 },
];

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
