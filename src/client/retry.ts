/**
 * Retry policy: exponential backoff with full jitter, bounded by attempt count and total time.
 *
 * delay(n) = random() * min(maxDelayMs, baseDelayMs * 2^(n-1)) before attempt n+1 ("full jitter").
 * A retry is skipped when the elapsed time plus the next delay would exceed `maxTotalMs`.
 * What is retryable is decided by the caller (`shouldRetry`); see docs/decisions/0004-client-retries.md.
 */

export interface RetryPolicy {
  /** Total attempts including the first one. Default 5. */
  maxAttempts: number;
  /** Backoff base. Default 500 ms. */
  baseDelayMs: number;
  /** Cap of one backoff delay. Default 8 s. */
  maxDelayMs: number;
  /** Budget for all attempts and delays together. Default 30 s. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxTotalMs: 30_000,
});

export function resolveRetryPolicy(partial?: Partial<RetryPolicy>): RetryPolicy {
  const merged = { ...DEFAULT_RETRY_POLICY, ...(partial ?? {}) };
  return {
    maxAttempts: Math.max(1, Math.floor(merged.maxAttempts)),
    baseDelayMs: Math.max(0, merged.baseDelayMs),
    maxDelayMs: Math.max(0, merged.maxDelayMs),
    maxTotalMs: Math.max(0, merged.maxTotalMs),
  };
}

/** Full-jitter delay before the attempt that follows attempt number `attempt` (1-based). */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

export interface RetryHooks {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /**
   * Where the total-time budget starts: at the first attempt (default), or at the first failure (for
   * long polls such as `/api/get`, whose successful wait may legitimately last minutes).
   */
  budgetFrom?: 'start' | 'firstFailure';
  /** Called before each retry, e.g. for debug logging. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export class RetryExhausted extends Error {
  constructor(
    readonly lastError: unknown,
    readonly attempts: number,
    readonly elapsedMs: number,
  ) {
    super(`gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${(elapsedMs / 1000).toFixed(1)} s`);
    this.name = 'RetryExhausted';
  }
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` until it succeeds, throws a non-retryable error (rethrown unchanged) or the
 * budget is spent (`RetryExhausted` wrapping the last retryable error).
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  shouldRetry: (error: unknown) => boolean,
  policy: RetryPolicy,
  hooks: RetryHooks = {},
): Promise<T> {
  const sleep = hooks.sleep ?? defaultSleep;
  const random = hooks.random ?? Math.random;
  const now = hooks.now ?? Date.now;
  let started = now();
  let failedBefore = false;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!shouldRetry(error)) throw error;
      if (!failedBefore && hooks.budgetFrom === 'firstFailure') started = now();
      failedBefore = true;
      const elapsed = now() - started;
      if (attempt >= policy.maxAttempts) throw new RetryExhausted(error, attempt, elapsed);
      const delayMs = backoffDelayMs(policy, attempt, random);
      if (elapsed + delayMs > policy.maxTotalMs) throw new RetryExhausted(error, attempt, elapsed);
      hooks.onRetry?.({ attempt, delayMs, error });
      await sleep(delayMs);
    }
  }
}
