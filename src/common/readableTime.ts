/**
 * Human-readable times as the CLI and the dashboard both say them: one rounding rule and one way of
 * phrasing a relative time, each surface supplying only its wording (`2 hrs ago` in the CLI,
 * `2 hours ago` in the dashboard).
 *
 * Shown times drift by milliseconds between runs (two clocks, request latency), and the demo's
 * fixture times sit exactly on whole units (`45m ago`, `6d ago`). Flooring puts a decision boundary
 * on every whole unit, so 44m59.9s printed `44 mins` and 45m0.1s `45 mins`. Here a span is first
 * rounded to whole seconds, then to the nearest unit shown: the boundaries sit half a unit away
 * from whole units, and whole-unit times print the same whatever the drift.
 *
 * No Node or DOM APIs: the dashboard bundle (esbuild) imports this file as well as the CLI.
 */

export interface TimeUnit {
  readonly name: string;
  readonly seconds: number;
}

export interface UnitCount<U extends TimeUnit> {
  count: number;
  unit: U;
}

export const MINUTE = 60;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
/** Fixed-length months and years: a calendar would move the boundaries with the date. */
export const MONTH = 30 * DAY;
export const YEAR = 365 * DAY;

/** Every unit a time is said in, from the largest; each surface names those it uses. */
const UNIT_SECONDS = { year: YEAR, month: MONTH, week: WEEK, day: DAY, hour: HOUR, minute: MINUTE, second: 1 } as const;
export type UnitKey = keyof typeof UNIT_SECONDS;

/** The units given a name in `names`, from the largest to the smallest, as the functions here take them. */
export function namedUnits(names: Partial<Record<UnitKey, string>>): TimeUnit[] {
  return Object.entries(UNIT_SECONDS).flatMap(([key, seconds]) => {
    const name = names[key as UnitKey];
    return name === undefined ? [] : [{ name, seconds }];
  });
}

/** The span in whole seconds, rounded to nearest; the first step of every rule here. */
export function wholeSeconds(seconds: number): number {
  return Math.round(Math.abs(seconds));
}

/**
 * The one unit to show a span in, and the nearest whole count of it. A unit is used once the span
 * is within half of the next smaller unit of it, so 59m40s shows as 1 hour, never as 60 minutes.
 * `units` go from the largest to the smallest.
 */
export function nearestUnit<U extends TimeUnit>(seconds: number, units: readonly U[]): UnitCount<U> {
  const span = wholeSeconds(seconds);
  let index = 0;
  while (index < units.length - 1 && span < units[index].seconds - units[index + 1].seconds / 2) index += 1;
  const unit = units[index];
  return { count: Math.round(span / unit.seconds), unit };
}

/**
 * A duration as counts of consecutive units, from the largest one it reaches, at most `maxParts`
 * of them, rounded to the nearest of the smallest one shown: with hours and minutes shown,
 * 4h29m59.7s is 4h 30m. When that rounding reaches the next larger unit (23h59m40s), the duration
 * is shown from that unit (1d 0h). Zero counts are kept; printing them is the caller's choice.
 * `units` go from the largest to the smallest, each a multiple of the next.
 */
export function durationParts<U extends TimeUnit>(seconds: number, units: readonly U[], maxParts = units.length): UnitCount<U>[] {
  const span = wholeSeconds(seconds);
  let lead = units.findIndex((unit) => span >= unit.seconds);
  if (lead < 0) return [];
  for (;;) {
    const last = Math.min(lead + maxParts - 1, units.length - 1);
    const step = units[last].seconds;
    const rounded = Math.round(span / step) * step;
    if (lead > 0 && rounded >= units[lead - 1].seconds) {
      lead -= 1;
      continue;
    }
    let rest = rounded;
    return units.slice(lead, last + 1).map((unit) => {
      const count = Math.floor(rest / unit.seconds);
      rest -= count * unit.seconds;
      return { count, unit };
    });
  }
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** How one surface words relative times. */
export interface RelativeWording {
  /** From the largest; the span is said in the nearest of them (`2 hrs`, `3 days`). */
  readonly units: readonly TimeUnit[];
  /** A span under this many whole seconds, either way, is said as `recent` instead. */
  readonly recentBelow: number;
  readonly recent: { readonly past: string; readonly future: string };
}

/** `2 hrs ago`, `in 3 days`, or the wording's recent phrase; `-` when there is no time (unset, 0, not finite). */
export function relativeTime(epochSeconds: number | null | undefined, nowSeconds: number, wording: RelativeWording): string {
  if (typeof epochSeconds !== 'number' || !Number.isFinite(epochSeconds) || epochSeconds <= 0) return '-';
  const ago = nowSeconds - epochSeconds;
  const future = Math.round(ago) < 0;
  if (wholeSeconds(ago) < wording.recentBelow) return future ? wording.recent.future : wording.recent.past;
  const { count, unit } = nearestUnit(ago, wording.units);
  const words = plural(count, unit.name);
  return future ? `in ${words}` : `${words} ago`;
}
