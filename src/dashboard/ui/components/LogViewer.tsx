/**
 * Shows a streamed plain-text log (POST /logs or /jobs/logs), appending chunks as they arrive.
 * Test hooks: data-testid="log-viewer" (the panel), data-testid="log-text" (the <pre>).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../hooks';

type Streamer = (onChunk: (textSoFar: string) => void, signal: AbortSignal) => Promise<string>;

/** Strips ANSI colour codes and carriage-return progress redraws. */
function clean(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[^\n]*\r(?!\n)/g, '');
}

interface Props {
  title: string;
  stream: Streamer;
  /** Restarts the stream when it changes. */
  streamKey: string;
  /** Scroll the panel into view when it opens (for logs opened from a table). */
  reveal?: boolean;
  /** Fetch the log again this often while set (a job still running): new lines appear as they come. */
  refreshMs?: number;
}

export function LogViewer({ title, stream, streamKey, reveal, refreshMs }: Props) {
  const [text, setText] = useState('');
  const [state, setState] = useState<'loading' | 'done' | 'error'>('loading');
  const [error, setError] = useState('');
  const [round, setRound] = useState(0);
  const pre = useRef<HTMLPreElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const streamRef = useRef(stream);
  streamRef.current = stream;

  const [polls, setPolls] = useState(0);

  useEffect(() => {
    setPolls(0);
  }, [streamKey, round]);

  // While the job runs, the log is fetched again every `refreshMs` (a slow fetch is dropped for the
  // next); the text on screen stays until the new one has arrived, so lines are added, never blanked.
  useEffect(() => {
    if (!refreshMs || state !== 'done') return undefined;
    const timer = window.setTimeout(() => setPolls((p) => p + 1), refreshMs);
    return () => window.clearTimeout(timer);
  }, [refreshMs, state, polls]);

  // The job just finished: fetch once more, for the lines it wrote since the last fetch.
  const wasLive = useRef(false);
  useEffect(() => {
    if (refreshMs) wasLive.current = true;
    else if (wasLive.current) {
      wasLive.current = false;
      setPolls((p) => p + 1);
    }
  }, [refreshMs]);

  useEffect(() => {
    if (!polls) return undefined;
    const ctl = new AbortController();
    streamRef
      .current(() => undefined, ctl.signal)
      .then(
        (t) => !ctl.signal.aborted && setText(t),
        () => undefined,
      );
    return () => ctl.abort();
  }, [polls]);

  useEffect(() => {
    const ctl = new AbortController();
    if (reveal) panel.current?.scrollIntoView?.({ block: 'nearest' });
    setText('');
    setState('loading');
    streamRef
      .current((t) => !ctl.signal.aborted && setText(t), ctl.signal)
      .then(
        () => !ctl.signal.aborted && setState('done'),
        (e: unknown) => {
          if (ctl.signal.aborted) return;
          setError(errorMessage(e));
          setState('error');
        },
      );
    return () => ctl.abort();
  }, [streamKey, round]);

  useEffect(() => {
    const el = pre.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [text]);

  const shown = clean(text);
  return (
    <div class="card log-card" data-testid="log-viewer" ref={panel}>
      <div class="card-header">
        <h2>{title}</h2>
        <div class="card-actions">
          {state === 'loading' && <span class="spinner" role="status" aria-label="Loading log" />}
          <button type="button" class="btn btn-small" onClick={() => setRound((r) => r + 1)} disabled={state === 'loading'}>
            ↻ Reload
          </button>
        </div>
      </div>
      {state === 'error' && (
        <div class="banner banner-error" role="alert" data-testid="error-banner">
          <strong>Could not load the log.</strong> {error}
        </div>
      )}
      <pre class="log" ref={pre} data-testid="log-text">
        {shown || (state === 'loading' ? 'Loading log…' : state === 'done' ? '(the log is empty)' : '')}
      </pre>
    </div>
  );
}
