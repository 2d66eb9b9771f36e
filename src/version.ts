/** The build's git commit (the version numbers themselves are in src/vocab/versions.ts). */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** `SKYPILOT_COMMIT`, else the checkout's HEAD, else `unknown`. */
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
