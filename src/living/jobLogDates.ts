/**
 * Dates written into a fixture's job log (`2026-01-01 10:00:00`, as Jupyter, Python's logging and
 * many programs print them) moved to the world clock: the first one becomes the job's start and the
 * others keep their distance from it, so a log never shows its author's day (issue 20: every date
 * from the world clock). Provisioning logs, in SkyPilot's own `MM-DD HH:mm:ss` form, are re-dated by
 * living/provisionLog.ts.
 */

/** `YYYY-MM-DD HH:mm:ss` or `YYYY-MM-DDTHH:mm:ss`, with optional fractional seconds kept as written. */
const STAMP = /\b(\d{4})-(\d\d)-(\d\d)([ T])(\d\d):(\d\d):(\d\d)\b/g;

/** An ISO-like stamp in UTC: the same bytes on every replica, whatever its time zone. */
function stamp(epochSeconds: number, separator: string): string {
  const iso = new Date(epochSeconds * 1000).toISOString(); // 2026-11-16T12:00:00.000Z
  return `${iso.slice(0, 10)}${separator}${iso.slice(11, 19)}`;
}

/** `text` with its first date-time at `startAt` (epoch seconds) and the others as far from it as written. */
export function redateJobLog(text: string, startAt: number): string {
  if (!text.includes('-')) return text; // most logs have no date at all: no regex pass
  let first: number | null = null;
  return text.replace(STAMP, (written, y, mo, d, sep, h, mi, s) => {
    const [month, day, hour, minute, second] = [mo, d, h, mi, s].map(Number);
    // Date.UTC would roll an impossible date (month 13) over: such text is left as written.
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return written;
    const at = Date.UTC(Number(y), month - 1, day, hour, minute, second) / 1000;
    first ??= at;
    return stamp(startAt + (at - first), sep);
  });
}
