/**
 * The demo's own settings from the environment, checked when the demo is installed: a value that
 * does not parse is a mistake to report (one line, exit 2, as the nightly's settings), never a
 * setting quietly ignored (an unparsable `SKYPILOT_NOW` used to mean the real clock).
 */
import dayjs from 'dayjs';

class DemoSettingError extends Error {}

export function checkDemoSettings(env: NodeJS.ProcessEnv = process.env): void {
  const now = env.SKYPILOT_NOW;
  if (now !== undefined && now !== '') {
    const parsed = /^\d+(\.\d+)?$/.test(now) ? dayjs.unix(Number(now)) : /^\d{4}-\d{2}-\d{2}/.test(now) ? dayjs(now) : null;
    if (!parsed?.isValid()) {
      throw new DemoSettingError(`SKYPILOT_NOW must be an ISO date (2026-01-31T12:00:00Z) or epoch seconds, got '${now}'`);
    }
  }
  const reload = env.SKYPILOT_DEMO_RELOAD_MS;
  if (reload !== undefined && !/^\d{1,9}$/.test(reload.trim())) {
    throw new DemoSettingError(`SKYPILOT_DEMO_RELOAD_MS must be a whole number of milliseconds (0: no reload), got '${reload}'`);
  }
}
