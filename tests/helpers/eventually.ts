/**
 * Polls instead of sleeping: `check` is retried every `stepMs` until it returns something other than
 * undefined (returned at once) or `timeoutMs` passes (then the last attempt's value, undefined, is
 * returned and the test's own assertion fails with its message). A fixed sleep is either too long on
 * a quiet machine or too short on a busy one; this is as short as the condition allows.
 */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
