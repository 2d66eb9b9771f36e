/**
 * API test helpers: an app over a temp state DB and an in-memory request store, and the scheduled
 * round trip (POST or GET -> `X-Skypilot-Request-ID` -> `GET /api/get?request_id=`).
 */
import request from 'supertest';
import { createApp, type SkyApp } from '../../src/app';
import type { RequestPayload } from '../../src/api/wireTypes';
import { RequestStore } from '../../src/requests/requestStore';
import { closeTempState, makeTempDir, openTempState, removeDir, type TempState } from './tempState';

export const REQUEST_ID_HEADER = 'x-skypilot-request-id';

/** A viewer who sees every request (what an unauthenticated nightly caller is). */
export const ADMIN = { principal: 'local', admin: true } as const;

export interface ApiHarness {
  app: SkyApp;
  store: RequestStore;
  state: TempState;
  dashboardDir: string;
}

/** The request store beside a test's state: the same PostgreSQL database, or an SQLite file. */
export function openTestRequestStore(state: TempState, storePath = ':memory:'): Promise<RequestStore> {
  const uri = state.database?.uri;
  return uri ? RequestStore.open({ target: { kind: 'postgres', uri } }) : RequestStore.openSqlite(storePath);
}

export async function openApiHarness(storePath = ':memory:'): Promise<ApiHarness> {
  const state = await openTempState();
  const store = await openTestRequestStore(state, storePath);
  const dashboardDir = makeTempDir('skyts-dash-');
  const app = createApp({ requests: store, dashboard: { builtDir: dashboardDir }, getTimeoutMs: 10_000 });
  return { app, store, state, dashboardDir };
}

/** Waits until no request is PENDING or RUNNING, so nothing runs against a closed store. */
export async function drainRequests(store: RequestStore, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (store.liveCount() > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function closeApiHarness(h: ApiHarness | undefined): Promise<void> {
  if (!h) return;
  await drainRequests(h.store);
  await h.store.close();
  await closeTempState(h.state);
  removeDir(h.dashboardDir);
}

/** Registers beforeAll/afterAll hooks; the returned object is filled in by beforeAll. */
export function useApiHarness(): ApiHarness {
  const harness = {} as ApiHarness;
  beforeAll(async () => {
    Object.assign(harness, await openApiHarness());
  });
  afterAll(async () => {
    await closeApiHarness(harness);
  });
  return harness;
}

export interface RoundTrip<T = unknown> {
  requestId: string;
  /** HTTP status of `/api/get`: 200 SUCCEEDED/CANCELLED, 500 FAILED. */
  status: number;
  payload: RequestPayload;
  /** `JSON.parse(payload.return_value)`. */
  value: T;
  /** `JSON.parse(payload.error)`: null or `{type, message}`. */
  error: { type: string; message: string } | null;
}

export interface ScheduleOptions {
  method?: 'post' | 'get';
  body?: unknown;
  headers?: Record<string, string>;
}

/** Sends the scheduled request and checks the protocol's first half: 200, body null, the id header. */
export async function schedule(app: SkyApp, path: string, options: ScheduleOptions = {}): Promise<string> {
  const method = options.method ?? 'post';
  let req =
    method === 'post'
      ? request(app)
          .post(path)
          .send((options.body ?? {}) as object)
      : request(app).get(path);
  for (const [k, v] of Object.entries(options.headers ?? {})) req = req.set(k, v);
  const res = await req;
  if (res.status !== 200) {
    throw new Error(`${method.toUpperCase()} ${path} answered ${res.status}: ${res.text}`);
  }
  if (res.text !== 'null') throw new Error(`${path}: scheduled body should be null, got ${res.text}`);
  const id = res.headers[REQUEST_ID_HEADER];
  if (typeof id !== 'string' || !id) throw new Error(`${path}: no ${REQUEST_ID_HEADER} header`);
  return id;
}

/** Fetches a request's result from `/api/get` (as the caller `headers` name, on a server with auth). */
export async function fetchResult<T = unknown>(
  app: SkyApp,
  requestId: string,
  headers: Record<string, string> = {},
): Promise<RoundTrip<T>> {
  const res = await request(app).get('/api/get').set(headers).query({ request_id: requestId });
  if (res.status !== 200 && res.status !== 500) {
    throw new Error(`/api/get ${requestId} answered ${res.status}: ${res.text}`);
  }
  const payload = (res.status === 500 ? res.body.detail : res.body) as RequestPayload;
  return {
    requestId,
    status: res.status,
    payload,
    value: JSON.parse(payload.return_value) as T,
    error: JSON.parse(payload.error) as RoundTrip['error'],
  };
}

export async function roundTrip<T = unknown>(app: SkyApp, path: string, options: ScheduleOptions = {}): Promise<RoundTrip<T>> {
  return fetchResult<T>(app, await schedule(app, path, options), options.headers);
}

/** A round trip that must succeed; returns the parsed return value. */
export async function call<T = unknown>(app: SkyApp, path: string, options: ScheduleOptions = {}): Promise<T> {
  const result = await roundTrip<T>(app, path, options);
  if (result.status !== 200 || result.payload.status !== 'SUCCEEDED') {
    throw new Error(`${path} ${result.payload.status}: ${result.payload.error}`);
  }
  return result.value;
}

export const STACK_TRACE = /at .*\.ts:\d+/;
