/**
 * The sandbox session banner, on the demo with sandbox sessions only: the visitor's changes are
 * private to their session, which has this long left; Extend and Reset; and a launcher for the demo's
 * recipes. Without a session (the sandbox was full, or is down) it says why, and asks again every
 * minute, which is how the visitor gets a session once there is room.
 * Calls: GET /demo/session (every minute, and when the countdown ends), POST /demo/session/extend,
 *        POST /demo/session/reset, POST /launch {task: "recipes:<name>", cluster_name}.
 * Test hooks: data-testid="session-banner", "session-time-left", "session-extend", "session-reset",
 *             "session-notice", "launch-recipe" (the select), "launch-button".
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../hooks';
import { extendSandboxSession, fetchSandboxSession, launchRecipe, resetSandboxSession, type SandboxSession } from '../data';
import { navigate } from '../router';
import { showToast } from '../toast';
import { announceWrite, onWrite } from '../writes';

const REFRESH_MS = 60_000;

function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function Launcher({ recipes }: { recipes: string[] }) {
  const [recipe, setRecipe] = useState(recipes[0] ?? '');
  const [busy, setBusy] = useState(false);
  if (!recipes.length) return null;
  const launch = async () => {
    const name = `${recipe}-${Math.random().toString(16).slice(2, 6)}`;
    setBusy(true);
    try {
      await launchRecipe(recipe, name);
      showToast('success', `Launching ${name}: it provisions for a few seconds, then its job runs`);
      announceWrite();
      navigate(`/clusters/${encodeURIComponent(name)}`);
    } catch (e) {
      showToast('error', errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="session-launch">
      <label>
        Launch a recipe{' '}
        <select value={recipe} onChange={(e) => setRecipe((e.target as HTMLSelectElement).value)} data-testid="launch-recipe">
          {recipes.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <button type="button" class="btn btn-small btn-primary" onClick={launch} disabled={busy} data-testid="launch-button">
        Launch
      </button>
    </span>
  );
}

export function SessionBanner() {
  const [session, setSession] = useState<SandboxSession | null>(null);
  const [fetchedAt, setFetchedAt] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    fetchSandboxSession().then(
      (s) => {
        // Another session than the one the page shows (the old one ran out): show the new one's world.
        setSession((old) => {
          if (old?.session_id && s.session_id && old.session_id !== s.session_id) window.location.reload();
          return s;
        });
        setFetchedAt(Date.now());
      },
      () => setSession(null),
    );
  }, []);

  useEffect(() => {
    load();
    const refresh = window.setInterval(load, REFRESH_MS);
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    const stopListening = onWrite(load);
    return () => {
      window.clearInterval(refresh);
      window.clearInterval(tick);
      stopListening();
    };
  }, [load]);

  const left = session?.session_id ? (session.seconds_left ?? 0) - (now - fetchedAt) / 1000 : null;
  // The session just ran out: the server hands out a fresh one on the next call, and says so.
  useEffect(() => {
    if (left !== null && left <= 0) load();
  }, [left !== null && left <= 0]);

  if (!session) return null;
  if (!session.session_id) {
    return (
      <div class="session-banner session-banner-off" data-testid="session-banner">
        <span data-testid="session-notice">{session.message ?? 'No sandbox session: you are seeing the read-only demo.'}</span>
      </div>
    );
  }

  const act = async (run: () => Promise<SandboxSession>, done: string, reload: boolean) => {
    setBusy(true);
    try {
      const next = await run();
      setSession({ ...session, ...next });
      setFetchedAt(Date.now());
      showToast('success', done);
      if (reload) window.location.reload();
    } catch (e) {
      showToast('error', errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="session-banner" data-testid="session-banner">
      {session.replaced_expired && (
        <span class="session-expired" data-testid="session-notice">
          Your previous session expired, so this is a fresh one.
        </span>
      )}
      <span>
        <strong>Sandbox session</strong>: press any button, your changes are yours alone.
      </span>
      <span class="session-time" data-testid="session-time-left" title="Time left in this session">
        {clock(left ?? 0)} left
      </span>
      <span class="session-changes">
        {session.changes ?? 0}/{session.max_changes ?? '-'} changes
      </span>
      <button
        type="button"
        class="btn btn-small"
        data-testid="session-extend"
        disabled={busy || !session.extensions_left}
        title={session.extensions_left ? `${session.extensions_left} extension(s) left` : 'No extensions left'}
        onClick={() => act(extendSandboxSession, 'Session extended', false)}
      >
        Extend ({session.extensions_left ?? 0} left)
      </button>
      <button
        type="button"
        class="btn btn-small"
        data-testid="session-reset"
        disabled={busy}
        onClick={() => act(resetSandboxSession, 'Session reset', true)}
      >
        Reset
      </button>
      <Launcher recipes={session.launchable} />
    </div>
  );
}
