/**
 * A button that sends a write request and reports the outcome in a toast. The server decides whether
 * the write is allowed (a demo server answers 403 DemoModeError); the button never second-guesses it.
 */
import { useState } from 'preact/hooks';
import { errorMessage } from '../hooks';
import { announceWrite } from '../writes';
import { showToast } from '../toast';

interface Props {
  label: string;
  testId: string;
  variant?: 'default' | 'danger' | 'primary';
  run: () => Promise<unknown>;
  success: string;
  onDone?: () => void;
}

export function ActionButton({ label, testId, variant = 'default', run, success, onDone }: Props) {
  const [busy, setBusy] = useState(false);
  const click = async () => {
    setBusy(true);
    try {
      await run();
      showToast('success', success);
      announceWrite();
      onDone?.();
    } catch (e) {
      showToast('error', errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class={`btn btn-${variant}`} onClick={click} disabled={busy} data-testid={testId}>
      {busy ? <span class="spinner spinner-small" aria-hidden="true" /> : null}
      {label}
    </button>
  );
}
