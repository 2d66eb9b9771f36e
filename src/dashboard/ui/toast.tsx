/**
 * Toasts: short messages (e.g. "Write operations are not allowed in demo mode") in the bottom-right
 * corner, clear of the page's buttons. Errors stay 15 s, others 6 s.
 * Icons are CSS-only so a toast's text content is exactly its message.
 * Test hooks: data-testid="toast" (with data-kind="error" | "success" | "info").
 */
import { useEffect, useState } from 'preact/hooks';

export type ToastKind = 'success' | 'error' | 'info';
interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<(t: Toast[]) => void>();

function publish(): void {
  for (const l of listeners) l(toasts);
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  publish();
}

export function showToast(kind: ToastKind, message: string): void {
  const id = nextId++;
  toasts = [...toasts.slice(-3), { id, kind, message }];
  publish();
  window.setTimeout(() => dismissToast(id), kind === 'error' ? 15000 : 6000);
}

export function Toaster() {
  const [list, setList] = useState<Toast[]>(toasts);
  useEffect(() => {
    listeners.add(setList);
    return () => void listeners.delete(setList);
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`} data-testid="toast" data-kind={t.kind}>
          <span class="toast-icon" aria-hidden="true" />
          <span class="toast-message">{t.message}</span>
          <button type="button" class="toast-close" aria-label="Dismiss" title="Dismiss" onClick={() => dismissToast(t.id)} />
        </div>
      ))}
    </div>
  );
}
