/**
 * "Something was written": pages announce a successful write, and whatever summarises the visitor's
 * changes (the sandbox banner's change count) listens, rather than every page knowing about it.
 */
const EVENT = 'skyts:write';

export function announceWrite(): void {
  window.dispatchEvent(new Event(EVENT));
}

export function onWrite(listener: () => void): () => void {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
