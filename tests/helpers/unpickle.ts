/**
 * Loads our pickles with python3's standard library (tests/helpers/unpickle.py), the same reader an
 * old SkyPilot client uses, in one process per batch. Descriptions come back as JSON with tags for
 * what JSON cannot say; the builders below write expected values in the same tags.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const SCRIPT = path.join(__dirname, 'unpickle.py');

export type Described = null | boolean | number | string | Described[] | { [key: string]: Described };

export type Loaded = { value: Described; ops: string[]; protocol: number | null; error?: undefined } | { error: string };

/** Unpickles each base64 pickle; fails the test clearly when python3 is not installed. */
export function unpickleAll(base64Pickles: readonly string[]): Loaded[] {
  const run = spawnSync('python3', [SCRIPT], {
    input: JSON.stringify(base64Pickles),
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (run.error) {
    const missing = (run.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'python3 is required for the pickle tests (CI installs it); it was not found on PATH'
        : `running python3 failed: ${run.error.message}`,
    );
  }
  if (run.status !== 0) throw new Error(`unpickle.py exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Loaded[];
}

/** One pickle that must load; returns its description and opcodes. */
export function unpickle(base64Pickle: string): { value: Described; ops: string[]; protocol: number | null } {
  const [loaded] = unpickleAll([base64Pickle]);
  if (loaded.error !== undefined) throw new Error(`python could not load the pickle: ${loaded.error}`);
  return loaded;
}

export const pyTuple = (...items: Described[]): Described => ({ __tuple__: items });
export const pyFloat = (repr: string): Described => ({ __float__: repr });
export const pyBigInt = (digits: string): Described => ({ __int__: digits });
export const pyDict = (...entries: [Described, Described][]): Described => ({ __dict__: entries });
export const pyEnum = (cls: string, value: Described): Described => ({ __enum__: cls, value });
export const pyObject = (cls: string, state?: Described): Described =>
  state === undefined ? { __object__: cls } : { __object__: cls, state };
