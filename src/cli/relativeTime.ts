/**
 * Human-readable times in SkyPilot's style (`readable_time_duration`): relative ("2 hrs ago",
 * "5 mins ago", "a few secs ago", "3 days ago") and absolute durations ("1h 2m 3s").
 *
 * "Now" is injectable: `SKYPILOT_NOW` (ISO date or epoch seconds) if set, so output is deterministic.
 */
import dayjs from 'dayjs';

export type Env = Record<string, string | undefined>;

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

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** Relative time of an epoch-seconds timestamp, e.g. `2 hrs ago`; `-` when unknown. */
export function formatRelative(epochSeconds: number | null | undefined, now: Date): string {
  if (epochSeconds === null || epochSeconds === undefined || !Number.isFinite(epochSeconds) || epochSeconds <= 0) {
    return '-';
  }
  const then = dayjs(epochSeconds * 1000);
  const current = dayjs(now);
  const future = then.isAfter(current);
  const [a, b] = future ? [then, current] : [current, then];
  const years = a.diff(b, 'year');
  const months = a.diff(b, 'month');
  const days = a.diff(b, 'day');
  const hours = a.diff(b, 'hour');
  const minutes = a.diff(b, 'minute');
  const seconds = a.diff(b, 'second');
  let words: string;
  if (years > 0) words = plural(years, 'year');
  else if (months > 0) words = plural(months, 'month');
  else if (days >= 7) words = plural(Math.floor(days / 7), 'week');
  else if (days > 0) words = plural(days, 'day');
  else if (hours > 0) words = plural(hours, 'hr');
  else if (minutes > 0) words = plural(minutes, 'min');
  else if (seconds >= 10) words = plural(seconds, 'sec');
  else words = 'a few secs';
  return future ? `in ${words}` : `${words} ago`;
}

/** Absolute duration in seconds, e.g. `1h 2m 3s`, `3d 4h`, `< 1s`; `-` when unknown. */
export function formatDuration(totalSeconds: number | null | undefined): string {
  if (totalSeconds === null || totalSeconds === undefined || !Number.isFinite(totalSeconds) || totalSeconds < 0) {
    return '-';
  }
  let rest = Math.floor(totalSeconds);
  if (rest < 1) return '< 1s';
  const units: [string, number][] = [
    ['w', 7 * 86400],
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  for (const [suffix, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count}${suffix}`);
  }
  return parts.join(' ');
}

/** Seconds between two epoch-seconds timestamps, `end` defaulting to `now`. */
export function secondsBetween(start: number | null | undefined, end: number | null | undefined, now: Date): number | null {
  if (start === null || start === undefined || start <= 0) return null;
  const stop = end === null || end === undefined || end <= 0 ? now.getTime() / 1000 : end;
  return Math.max(0, stop - start);
}
