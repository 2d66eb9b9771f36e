/**
 * Redis for the sandbox tests: the URL, whether a server answers, and a unique key prefix per test
 * run so runs (and parallel workers) never see each other's keys. Without a server the Redis suites
 * are skipped with a message, except in CI (CI=true), where they run and fail: CI starts redis-server.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export const REDIS_URL = process.env.SKYPILOT_TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** CI=true (or any value but empty, 0 and false), as the browser tests read it. */
function isCI(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export type RedisAvailability = { run: true } | { run: false; reason: string };

let probed: RedisAvailability | null = null;

export function redisAvailability(): RedisAvailability {
  if (probed) return probed;
  const probe = spawnSync(process.execPath, [path.join(__dirname, 'redisProbe.js')], { encoding: 'utf8', timeout: 5000 });
  const answer = (probe.stdout || probe.stderr || 'no answer').trim();
  probed =
    answer === 'ok' || isCI()
      ? { run: true }
      : { run: false, reason: `Redis tests SKIPPED: no Redis at ${REDIS_URL} (${answer}); start redis-server (in CI this is a failure)` };
  return probed;
}

export function testPrefix(label: string): string {
  return `skyts-test:${label}:${randomBytes(4).toString('hex')}:`;
}
