/** Headers, auth and the version check, with a scripted fetch (no sockets). */
import { ApiError } from '../../src/client/apiError';
import { SkyClient } from '../../src/client/skyClient';
import { API_VERSION, VERSION } from '../../src/vocab/versions';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

function scriptedFetch(options: { apiVersionHeader?: string | null; apiVersionBody?: string | null } = {}) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const headers = { ...(init?.headers as Record<string, string>) };
    calls.push({ url, method: init?.method ?? 'GET', headers, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const path = new URL(url).pathname;
    if (path === '/api/health') {
      const h = new Headers({ 'content-type': 'application/json' });
      const header = options.apiVersionHeader === undefined ? '27' : options.apiVersionHeader;
      if (header !== null) h.set('X-SkyPilot-API-Version', header);
      const bodyVersion = options.apiVersionBody === undefined ? '27' : options.apiVersionBody;
      const body = { status: 'healthy', version: '1.0.0-dev0', commit: 'c', ...(bodyVersion !== null ? { api_version: bodyVersion } : {}) };
      return new Response(JSON.stringify(body), { status: 200, headers: h });
    }
    if (path === '/status') {
      return new Response('null', { status: 200, headers: { 'X-Request-ID': 'legacy-id-1' } });
    }
    if (path === '/api/get') {
      return new Response(JSON.stringify({ request_id: 'legacy-id-1', status: 'SUCCEEDED', return_value: '[]', error: 'null' }), {
        status: 200,
      });
    }
    if (path === '/users') return new Response('[]', { status: 200 });
    return new Response('{"detail":"Not Found"}', { status: 404 });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const IDENTITY = { hash: 'abcd1234', name: 'tester' };

describe('request headers', () => {
  test('bearer token and version headers on every request; legacy X-Request-ID accepted', async () => {
    const { calls, fetchImpl } = scriptedFetch();
    const client = new SkyClient({
      env: { SKYPILOT_API_SERVER_ENDPOINT: 'http://sky.test:46580', SKYPILOT_SERVICE_ACCOUNT_TOKEN: 'sky_token' },
      identity: IDENTITY,
      fetch: fetchImpl,
    });
    await expect(client.status()).resolves.toEqual([]);
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual(['GET /api/health', 'POST /status', 'GET /api/get']);
    for (const call of calls) {
      expect(call.headers.Authorization).toBe('Bearer sky_token');
      expect(call.headers['X-SkyPilot-API-Version']).toBe(String(API_VERSION));
      expect(call.headers['X-SkyPilot-Version']).toBe(VERSION);
    }
    expect(calls[1].headers['X-Skypilot-Request-ID']).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls[2].url).toBe('http://sky.test:46580/api/get?request_id=legacy-id-1');
  });

  test('basic auth from the URL: header sent, credentials not in the fetched URL', async () => {
    const { calls, fetchImpl } = scriptedFetch();
    const client = new SkyClient({
      env: { SKYPILOT_API_SERVER_ENDPOINT: 'http://alice:pw@sky.test:1' },
      identity: IDENTITY,
      fetch: fetchImpl,
    });
    await client.users();
    expect(client.endpoint).toBe('http://sky.test:1');
    for (const call of calls) {
      expect(call.url.startsWith('http://sky.test:1/')).toBe(true);
      expect(call.headers.Authorization).toBe(`Basic ${Buffer.from('alice:pw').toString('base64')}`);
    }
  });

  test('no Authorization header without credentials', async () => {
    const { calls, fetchImpl } = scriptedFetch();
    await new SkyClient({ endpoint: 'http://sky.test:1', env: {}, identity: IDENTITY, fetch: fetchImpl }).users();
    expect(calls.every((c) => c.headers.Authorization === undefined)).toBe(true);
  });
});

describe('version check', () => {
  test('too old: one clear VersionMismatch error, probed once', async () => {
    const { calls, fetchImpl } = scriptedFetch({ apiVersionHeader: '9', apiVersionBody: '9' });
    const client = new SkyClient({ endpoint: 'http://old.test:1', env: {}, identity: IDENTITY, fetch: fetchImpl });
    const errors: ApiError[] = [];
    for (const call of [() => client.status(), () => client.users()]) {
      await call().catch((err: ApiError) => errors.push(err));
    }
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(ApiError);
    expect(errors[0].type).toBe('VersionMismatch');
    expect(errors[0].message).toBe('The server at http://old.test:1 is not a compatible SkyPilot API server (api version 9, need >= 11).');
    expect(errors[1]).toBe(errors[0]);
    expect(calls.filter((c) => c.url.endsWith('/api/health'))).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });

  test('no API version at all: not a SkyPilot server', async () => {
    const { fetchImpl } = scriptedFetch({ apiVersionHeader: null, apiVersionBody: null });
    const client = new SkyClient({ endpoint: 'http://web.test:1', env: {}, identity: IDENTITY, fetch: fetchImpl });
    await expect(client.users()).rejects.toMatchObject({
      type: 'VersionMismatch',
      message: expect.stringContaining('api version missing'),
    });
  });

  test('the body api_version is enough when the header is missing', async () => {
    const { fetchImpl } = scriptedFetch({ apiVersionHeader: null, apiVersionBody: '12' });
    const client = new SkyClient({ endpoint: 'http://ok.test:1', env: {}, identity: IDENTITY, fetch: fetchImpl });
    await expect(client.serverVersion()).resolves.toEqual({ apiVersion: 12, version: '1.0.0-dev0', commit: 'c', mode: 'nightly' });
  });

  test('checkVersion: false skips the probe', async () => {
    const { calls, fetchImpl } = scriptedFetch({ apiVersionHeader: '1', apiVersionBody: '1' });
    await new SkyClient({ endpoint: 'http://x.test:1', env: {}, identity: IDENTITY, fetch: fetchImpl, checkVersion: false }).users();
    expect(calls.map((c) => new URL(c.url).pathname)).toEqual(['/users']);
  });
});
