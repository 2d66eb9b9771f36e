/**
 * The shared rounding rule (src/common/readableTime.ts) as the CLI and the dashboard word it: exactly
 * on every unit and around it (±1 s, ±0.4 s) the text does not change, so clock drift between runs
 * cannot flip `45 mins ago` to `44 mins ago`. Also where the boundaries really are: half a unit away.
 */
import { DAY, durationParts, HOUR, MINUTE, MONTH, namedUnits, nearestUnit, WEEK, YEAR } from '../../src/common/readableTime';
import { formatDuration, formatRelative } from '../../src/cli/relativeTime';
import { duration as dashboardDuration, relativeTime as dashboardRelative } from '../../src/dashboard/ui/format';

const NOW = new Date('2026-05-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const cliAgo = (seconds: number) => formatRelative(NOW_S - seconds, NOW);
const dashboardAgo = (seconds: number) => dashboardRelative(NOW_S - seconds, NOW.getTime());

const DRIFTS = [-1, -0.4, 0, 0.4, 1];

describe.each([
  // [on the unit, CLI, dashboard]
  [2 * MINUTE, '2 mins ago', '2 minutes ago'],
  [45 * MINUTE, '45 mins ago', '45 minutes ago'],
  [59 * MINUTE, '59 mins ago', '59 minutes ago'],
  [HOUR, '1 hr ago', '1 hour ago'],
  [5 * HOUR, '5 hrs ago', '5 hours ago'],
  [23 * HOUR, '23 hrs ago', '23 hours ago'],
  [DAY, '1 day ago', '1 day ago'],
  [6 * DAY, '6 days ago', '6 days ago'],
  [WEEK, '1 week ago', '1 week ago'],
  [3 * WEEK, '3 weeks ago', '3 weeks ago'],
  [MONTH, '1 month ago', '1 month ago'],
  [11 * MONTH, '11 months ago', '11 months ago'],
  [YEAR, '1 year ago', '1 year ago'],
  [2 * YEAR, '2 years ago', '2 years ago'],
])('%i s ago', (seconds, cli, dashboard) => {
  test.each(DRIFTS)(`drift %d s: CLI "${cli}", dashboard "${dashboard}"`, (drift) => {
    expect(cliAgo(seconds + drift)).toBe(cli);
    expect(dashboardAgo(seconds + drift)).toBe(dashboard);
  });
});

describe('within a minute, where the CLI counts seconds: one second is a different time', () => {
  test.each([-0.4, 0, 0.4])('drift %d s', (drift) => {
    expect(cliAgo(MINUTE + drift)).toBe('1 min ago');
    expect(cliAgo(MINUTE - 1 + drift)).toBe('59 secs ago');
    expect(cliAgo(30 + drift)).toBe('30 secs ago');
    expect(cliAgo(10 + drift)).toBe('10 secs ago');
    expect(cliAgo(5 + drift)).toBe('a few secs ago');
    expect(dashboardAgo(30 + drift)).toBe('just now');
  });
});

test.each(DRIFTS)('the dashboard does not count seconds: 1 minute with drift %d s', (drift) => {
  expect(dashboardAgo(MINUTE + drift)).toBe('1 minute ago');
});

describe('the boundaries sit half a unit off whole units', () => {
  test.each([
    [44 * MINUTE + 59.6, '45 mins ago'],
    [45 * MINUTE + 0.3, '45 mins ago'],
    [44 * MINUTE + 29, '44 mins ago'],
    [44 * MINUTE + 30, '45 mins ago'],
    [59 * MINUTE + 29, '59 mins ago'],
    [59 * MINUTE + 30, '1 hr ago'], // never "60 mins"
    [HOUR + 29 * MINUTE + 59, '1 hr ago'],
    [HOUR + 30 * MINUTE, '2 hrs ago'],
    [6 * DAY + 11 * HOUR + 59 * MINUTE + 59, '6 days ago'],
    [6 * DAY + 12 * HOUR, '1 week ago'],
    [9.4, 'a few secs ago'],
    [9.6, '10 secs ago'],
  ])('%d s → %s', (seconds, text) => {
    expect(cliAgo(seconds)).toBe(text);
  });

  test('future times', () => {
    expect(cliAgo(-45 * MINUTE - 0.4)).toBe('in 45 mins');
    expect(dashboardAgo(-45 * MINUTE + 0.4)).toBe('in 45 minutes');
    expect(dashboardAgo(44.4)).toBe('just now');
    expect(dashboardAgo(44.6)).toBe('1 minute ago');
  });

  test('nearestUnit on its own', () => {
    const units = [
      { name: 'h', seconds: HOUR },
      { name: 'm', seconds: MINUTE },
      { name: 's', seconds: 1 },
    ];
    expect(nearestUnit(3570, units)).toEqual({ count: 1, unit: units[0] });
    expect(nearestUnit(3569, units)).toEqual({ count: 59, unit: units[1] });
    expect(nearestUnit(-90, units)).toEqual({ count: 2, unit: units[1] });
    expect(nearestUnit(0.4, units)).toEqual({ count: 0, unit: units[2] });
  });
});

describe('durations', () => {
  const H4M30 = 4 * HOUR + 30 * MINUTE;

  test.each(DRIFTS)('dashboard: 4h 30m with drift %d s is "4h 30m"', (drift) => {
    expect(dashboardDuration(H4M30 + drift)).toBe('4h 30m');
  });

  test.each([
    // the CLI shows seconds, so only sub-second drift is rounding
    [H4M30 - 0.4, '4h 30m'],
    [H4M30 - 0.3, '4h 30m'], // 4h 29m 59.7s
    [H4M30, '4h 30m'],
    [H4M30 + 0.4, '4h 30m'],
    [H4M30 - 1, '4h 29m 59s'],
    [H4M30 + 1, '4h 30m 1s'],
    [MINUTE - 0.4, '1m'],
    [MINUTE + 0.4, '1m'],
    [HOUR - 0.4, '1h'],
    [DAY + 0.4, '1d'],
    [WEEK - 0.4, '1w'],
    [0.4, '< 1s'],
    [0.6, '1s'],
    [3723, '1h 2m 3s'],
    [90061, '1d 1h 1m 1s'],
  ])('CLI: %d s → %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  test.each([
    [HOUR - 0.4, '1h 0m'],
    [HOUR - 20, '59m 40s'], // two units already show it exactly
    [DAY - 20, '1d 0h'], // 23h59m40s: rounding to minutes reaches a day
    [3 * DAY + 11 * HOUR + 45 * MINUTE, '3d 12h'],
    [2 * MINUTE + 5, '2m 5s'],
    [45, '45s'],
    [0.4, '0s'],
    [-1, '-'],
  ])('dashboard: %d s → %s', (seconds, text) => {
    expect(dashboardDuration(seconds)).toBe(text);
  });

  test('durationParts keeps zero counts for the caller', () => {
    const units = [
      { name: 'h', seconds: HOUR },
      { name: 'm', seconds: MINUTE },
      { name: 's', seconds: 1 },
    ];
    expect(durationParts(HOUR + 0.3, units).map((p) => p.count)).toEqual([1, 0, 0]);
    expect(durationParts(0.2, units)).toEqual([]);
  });
});

describe('namedUnits', () => {
  test('gives the named units from the largest, whatever order they are named in', () => {
    expect(namedUnits({ second: 's', day: 'd', minute: 'm' })).toEqual([
      { name: 'd', seconds: DAY },
      { name: 'm', seconds: MINUTE },
      { name: 's', seconds: 1 },
    ]);
  });
});
