/**
 * Per-client fairness: one client cannot take the whole server. A token bucket per client address
 * (rate-limiter-flexible, in memory; an IPv6 client counts per /64, which is what one host gets),
 * answering 429 with `Retry-After` and the typed body. `SKYPILOT_RATE_LIMIT=<requests>/<seconds>` sets
 * it, `off` disables it; the demo turns it on by default, the nightly leaves it off.
 */
import ipaddr from 'ipaddr.js';
import type { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from '../errors';

export interface RateLimitSpec {
  points: number;
  seconds: number;
}

/**
 * Generous enough that a person clicking through a dashboard or running the CLI never meets it: API
 * calls only (static files are not counted), 50 a second sustained per address, which a busy office
 * behind one NAT reloading the official dashboard's heaviest pages (~25 API calls each) stays under.
 */
export const DEMO_RATE_LIMIT: RateLimitSpec = { points: 3000, seconds: 60 };

export function parseRateLimit(value: string | undefined, fallback: RateLimitSpec | null): RateLimitSpec | null {
  if (value === undefined || value.trim() === '') return fallback;
  if (/^(off|0|false|no)$/i.test(value.trim())) return null;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*s?\s*$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
    throw new Error(`SKYPILOT_RATE_LIMIT must be <requests>/<seconds> (e.g. 1200/60) or off, got '${value}'`);
  }
  return { points: Number(match[1]), seconds: Number(match[2]) };
}

export class RateLimitedError extends HttpError {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate_limited', 'RateLimited', 'Too many requests from this client; slow down and retry.', undefined, retryAfterSeconds);
  }
}

/** The rate-limit key of an address: IPv4 as is, IPv6 by its /64 network. */
export function clientKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') return parsed.toString();
  return `${(parsed as ipaddr.IPv6).parts
    .slice(0, 4)
    .map((p) => p.toString(16))
    .join(':')}::/64`;
}

type RateLimiterModule = typeof import('rate-limiter-flexible');

export class RateLimit {
  private readonly limiter: RateLimiterMemory;
  private readonly resultClass: typeof RateLimiterRes;

  constructor(readonly spec: RateLimitSpec) {
    // Required here, not at the top: a server without a rate limit never pays for loading it.
    const flexible = require('rate-limiter-flexible') as RateLimiterModule;
    this.limiter = new flexible.RateLimiterMemory({ points: spec.points, duration: spec.seconds });
    this.resultClass = flexible.RateLimiterRes;
  }

  /** Throws RateLimitedError when the client is over its budget. */
  async take(address: string): Promise<void> {
    try {
      await this.limiter.consume(clientKey(address));
    } catch (error) {
      if (error instanceof this.resultClass) throw new RateLimitedError(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
      throw error;
    }
  }
}
