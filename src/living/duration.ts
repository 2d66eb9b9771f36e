/** Durations as fixture authors write them: `45s`, `4m`, `1h 30m`, `1d`. */

const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

export const DURATION = /^\s*(\d+\s*[smhd]\s*)+$/;

/** Seconds in a duration such as `1h 30m`. */
export function parseDuration(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)\s*([smhd])/g)) total += Number(amount) * SECONDS[unit];
  return total;
}
