/** Version facts the protocol advertises (SkyPilot's `sky/server/constants.py`). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export const API_VERSION = 27;
export const MIN_COMPATIBLE_API_VERSION = 11;
export const VERSION = '1.0.0-dev0';

/** The build's git commit: `SKYPILOT_COMMIT`, else the checkout's HEAD, else `unknown`. */
function buildCommit(): string {
  if (process.env.SKYPILOT_COMMIT) return process.env.SKYPILOT_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: path.resolve(__dirname, '..'), stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000,
    }).toString().trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}

export const COMMIT = buildCommit();
