/**
 * A demo app with the sandbox on, for tests: in-memory requests, a clock the test moves
 * (`clock.now`, epoch ms), and helpers to act as one visitor (a session id sent as the header).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp, type SkyApp } from '../../src/app';
import { installSessionDemo } from '../../src/sessions/installSessions';
import type { SessionSettings } from '../../src/sessions/sessionSettings';
import { RequestStore } from '../../src/requests/requestStore';
import { drainRequests, type RoundTrip, schedule } from '../helpers/api';

export const SESSION_HEADER = 'X-Demo-Session-Id';

export interface SandboxApp {
  app: SkyApp;
  demo: ReturnType<typeof installSessionDemo>;
  store: RequestStore;
  clock: { now: number };
  /** A new session's id (POST /demo/session). */
  newSession(): Promise<string>;
  /** A scheduled round trip in a session. */
  inSession<T = unknown>(id: string, path: string, body?: object, method?: 'post' | 'get'): Promise<RoundTrip<T>>;
  close(): Promise<void>;
}

export async function startSandboxApp(settings: Partial<SessionSettings> = {}): Promise<SandboxApp> {
  const clock = { now: Date.now() };
  const demo = installSessionDemo({
    reloadMs: 0,
    log: () => {},
    spy: true,
    sessions: { enabled: true, redisUrl: null, newSessionsPerMinute: 100_000, ...settings, clock: () => clock.now },
  });
  const store = await RequestStore.openSqlite(':memory:');
  const builtDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-dash-'));
  fs.writeFileSync(path.join(builtDir, 'index.html'), '<!doctype html><title>dashboard</title>');
  const app = createApp({ requests: store, dashboard: { builtDir }, getTimeoutMs: 5000 });
  return {
    app,
    demo,
    store,
    clock,
    async newSession() {
      const res = await request(app).post('/demo/session');
      if (res.status !== 201) throw new Error(`POST /demo/session answered ${res.status}: ${res.text}`);
      return res.body.session_id as string;
    },
    async inSession<T>(id: string, route: string, body: object = {}, method: 'post' | 'get' = 'post') {
      return fetchResultAs<T>(app, await schedule(app, route, { method, body, headers: { [SESSION_HEADER]: id } }), id);
    },
    async close() {
      await drainRequests(store);
      demo.restore();
      await store.close();
      fs.rmSync(builtDir, { recursive: true, force: true });
    },
  };
}

/** `/api/get` as the session that owns the request (requests are private to their session). */
export async function fetchResultAs<T>(app: SkyApp, requestId: string, session: string): Promise<RoundTrip<T>> {
  const res = await request(app).get('/api/get').query({ request_id: requestId }).set(SESSION_HEADER, session);
  if (res.status !== 200 && res.status !== 500) throw new Error(`/api/get answered ${res.status}: ${res.text}`);
  const payload = res.status === 500 ? res.body.detail : res.body;
  return {
    requestId,
    status: res.status,
    payload,
    value: JSON.parse(payload.return_value) as T,
    error: JSON.parse(payload.error) as RoundTrip['error'],
  };
}

/**
 * The demo clock pinned at `base` plus the seconds a step names (SKYPILOT_NOW), and put back as it
 * was: call `save` before the first step and `restore` after the last.
 */
export function pinnedClock(base: number) {
  let saved: string | undefined;
  return {
    save: () => {
      saved = process.env.SKYPILOT_NOW;
    },
    at: (seconds: number) => {
      process.env.SKYPILOT_NOW = String(base + seconds);
    },
    restore: () => {
      if (saved === undefined) delete process.env.SKYPILOT_NOW;
      else process.env.SKYPILOT_NOW = saved;
    },
  };
}
