/**
 * The built server (`dist/src/server.js`, so `npm run build` first) started as a user would, with
 * only PATH and HOME from this process: its exit code and stderr. `preload`: a module given to
 * `node -r` first. And the one-line refusal every bad setting must get.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

const SERVER = path.resolve(__dirname, '..', '..', 'dist', 'src', 'server.js');

export function runBuiltServer(
  args: string[],
  env: Record<string, string>,
  options: { home: string; preload?: string },
): Promise<{ code: number; stderr: string }> {
  const preload = options.preload ? ['-r', options.preload] : [];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...preload, SERVER, ...args],
      { timeout: 15_000, env: { PATH: process.env.PATH ?? '', HOME: options.home, ...env } },
      (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }),
    );
  });
}

/** One line on stderr, `skypilot-ts: error: ...`, matching `message`. */
export function expectOneErrorLine(stderr: string, message: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^skypilot-ts: error: /);
  expect(lines[0]).toMatch(message);
}
