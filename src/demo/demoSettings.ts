/**
 * The demo's own settings from the environment, checked when the demo is installed: a value that
 * does not parse is a mistake to report (one line, exit 2, as the nightly's settings), never a
 * setting quietly ignored (an unparsable `SKYPILOT_NOW` used to mean the real clock).
 */
import { pinnedNowError } from '../living/worldClock';

class DemoSettingError extends Error {}

export function checkDemoSettings(env: NodeJS.ProcessEnv = process.env): void {
  const badNow = pinnedNowError(env.SKYPILOT_NOW);
  if (badNow) throw new DemoSettingError(badNow);
  const reload = env.SKYPILOT_DEMO_RELOAD_MS;
  if (reload !== undefined && !/^\d{1,9}$/.test(reload.trim())) {
    throw new DemoSettingError(`SKYPILOT_DEMO_RELOAD_MS must be a whole number of milliseconds (0: no reload), got '${reload}'`);
  }
}
