/**
 * Bench only, preloaded into a server the bench measures (with `--expose-gc`): a full garbage
 * collection on SIGUSR2, so heap figures are what is retained, not what awaits collection.
 */
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
});
