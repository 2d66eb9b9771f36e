/**
 * New sessions per client address per minute (an IPv6 client counts per /64, as the request rate
 * limit does): one address cannot fill the sandbox. In Redis when the sessions are, so the budget is
 * shared by replicas rather than multiplied by them.
 */
import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { clientKey } from '../http/rateLimit';
import { redisLost } from './redisSessionStore';

export interface NewSessionLimiter {
  /** True when `address` may create a session now; throws when the limiter's store fails. */
  take(address: string): Promise<boolean>;
}

function limiterOf(limiter: RateLimiterAbstract, unavailable: () => boolean = () => false): NewSessionLimiter {
  return {
    async take(address) {
      if (unavailable()) throw new Error("the new-session limiter's store is unavailable");
      try {
        await limiter.consume(clientKey(address));
        return true;
      } catch (error) {
        if (error instanceof RateLimiterRes) return false;
        throw error;
      }
    },
  };
}

export function memoryNewSessionLimiter(perMinute: number): NewSessionLimiter {
  return limiterOf(new RateLimiterMemory({ points: perMinute, duration: 60 }));
}

export function redisNewSessionLimiter(redis: Redis, prefix: string, perMinute: number): NewSessionLimiter {
  return limiterOf(new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}new`, points: perMinute, duration: 60 }), () =>
    redisLost(redis),
  );
}
