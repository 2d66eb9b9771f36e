/**
 * The official clients' decoding, run by python3 (officialDecode.py beside this file): each item is
 * decoded as the client of its version would, and a summary of what it got comes back, in order.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const DECODER = path.resolve(__dirname, 'officialDecode.py');

export type Decoded = { ok: boolean; summary?: any; error?: string };

export function decodeInPython(items: object[]): Decoded[] {
  const run = spawnSync('python3', [DECODER], {
    input: JSON.stringify(items),
    encoding: 'utf8',
    timeout: 60_000,
    cwd: path.dirname(DECODER),
    env: { ...process.env, PYTHONPATH: path.dirname(DECODER) },
  });
  if (run.error || run.status !== 0) throw new Error(`officialDecode.py failed: ${run.error?.message ?? run.stderr}`);
  return JSON.parse(run.stdout);
}
