/** The build's git commit (the version numbers themselves are in src/vocab/versions.ts). */
import fs from 'node:fs';
import path from 'node:path';

/** HEAD's commit, read from the files (spawning git at every start costs more than reading two). */
function headCommit(gitDir: string): string | null {
  const head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (!ref) return /^[0-9a-f]{40}$/.test(head) ? head : null;
  const loose = path.join(gitDir, ref);
  if (fs.existsSync(loose)) return fs.readFileSync(loose, 'utf8').trim();
  const packed = path.join(gitDir, 'packed-refs');
  if (!fs.existsSync(packed)) return null;
  const line = fs
    .readFileSync(packed, 'utf8')
    .split('\n')
    .find((l) => l.endsWith(` ${ref}`));
  return line ? line.split(' ')[0] : null;
}

/** `SKYPILOT_COMMIT`, else the checkout's HEAD, else `unknown`. */
function buildCommit(): string {
  if (process.env.SKYPILOT_COMMIT) return process.env.SKYPILOT_COMMIT;
  try {
    // The checkout's .git, from src/ (tests) or dist/src/ (built); a worktree's is a file naming its git directory.
    const dotGit = [1, 2, 3].map((up) => path.resolve(__dirname, ...Array(up).fill('..'), '.git')).find((p) => fs.existsSync(p));
    if (!dotGit) return 'unknown';
    const gitDir = fs.statSync(dotGit).isFile()
      ? path.resolve(
          path.dirname(dotGit),
          fs
            .readFileSync(dotGit, 'utf8')
            .replace(/^gitdir:\s*/, '')
            .trim(),
        )
      : dotGit;
    const commit = headCommit(gitDir);
    return commit && /^[0-9a-f]{40}$/.test(commit) ? commit : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const COMMIT = buildCommit();
