/** useData: loads data, refreshes it on an interval, and never lets a failure escape as an exception. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export const REFRESH_MS = 30_000;

export interface DataState<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  updatedAt: number | null;
  reload: () => void;
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : 'Unexpected error';
}

/**
 * Runs `load` now, whenever `key` changes and every `refreshMs` (0 = never). Keeps the last good data
 * while a refresh is running or after it failed, so tables do not flicker.
 */
export function useData<T>(load: () => Promise<T>, key: string, refreshMs = REFRESH_MS): DataState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(() => {
    const mine = ++generation.current;
    setLoading(true);
    loadRef.current().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(null);
        setLoading(false);
        setUpdatedAt(Date.now());
      },
      (e: unknown) => {
        if (mine !== generation.current) return;
        setError(errorMessage(e));
        setLoading(false);
        setUpdatedAt(Date.now());
      },
    );
  }, []);

  useEffect(() => {
    setData(undefined);
    setError(null);
    run();
    if (!refreshMs) return () => void ++generation.current;
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') run();
    }, refreshMs);
    return () => {
      window.clearInterval(timer);
      ++generation.current;
    };
  }, [key, refreshMs, run]);

  return { data, error, loading, updatedAt, reload: run };
}

/** Re-renders every `ms` so relative times stay fresh. */
export function useTick(ms = REFRESH_MS): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(t);
  }, [ms]);
  return now;
}
