import { ApiError } from '../../src/client/apiError';
import { SkyClient, type SkyClientOptions } from '../../src/client/skyClient';
import { ProtocolServer } from './protocolServer';

const FAST_RETRY = { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 20, maxTotalMs: 5_000 };
const IDENTITY = { hash: 'abcd1234', name: 'tester' };

function clientFor(server: ProtocolServer, extra: Partial<SkyClientOptions> = {}): SkyClient {
  return new SkyClient({ endpoint: server.url, env: {}, identity: IDENTITY, retry: FAST_RETRY, ...extra });
}

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('SkyClient retries (against a local protocol server)', () => {
  let server: ProtocolServer;

  beforeEach(async () => {
    server = await new ProtocolServer({ clusters: [{ name: 'c1', status: 'UP' }] }).start();
  });

  afterEach(async () => {
    await server.close();
  });

  test('retries 503 and then succeeds', async () => {
    server.failNext('POST /status', { mode: '503', times: 2 });
    const records = await clientFor(server).status();
    expect(records).toEqual([{ name: 'c1', status: 'UP' }]);
    expect(server.attempts.get('POST /status')).toBe(3);
  });

  test('retries a dropped connection and then succeeds', async () => {
    server.failNext('POST /status', { mode: 'reset', times: 2 });
    await expect(clientFor(server).status()).resolves.toHaveLength(1);
    expect(server.attempts.get('POST /status')).toBe(3);
  });

  test('retries 503 on /api/get (long poll) too', async () => {
    server.failNext('GET /api/get', { mode: '503', times: 1 });
    await expect(clientFor(server).status()).resolves.toHaveLength(1);
    expect(server.attempts.get('GET /api/get')).toBe(2);
  });

  test.each([
    [
      400,
      {
        detail: 'bad',
        error: {
          type: 'ValidationError',
          code: 'invalid_request',
          message: 'cluster_name: Required',
          issues: [{ path: 'cluster_name', message: 'Required' }],
        },
      },
      'ValidationError',
    ],
    [
      403,
      { detail: 'read-only', error: { type: 'DemoModeError', code: 'read_only', message: 'This is a read-only demo: stop is disabled.' } },
      'DemoModeError',
    ],
    [404, { detail: 'Not Found' }, 'NotFound'],
  ])('never retries HTTP %i', async (status, body, type) => {
    server.failNext('POST /stop', { mode: 'http', times: 5, status, body });
    const err = await caught(clientFor(server).stop('c1'));
    expect(server.attempts.get('POST /stop')).toBe(1);
    expect(err.status).toBe(status);
    expect(err.type).toBe(type);
    expect(err.isRetryable()).toBe(false);
    if (status === 403) expect(err.isReadOnly()).toBe(true);
    if (status === 404) expect(err.isNotFound()).toBe(true);
    if (status === 400) expect(err.issues).toEqual([{ path: 'cluster_name', message: 'Required' }]);
    expect(server.writesRun.get('c1')).toBeUndefined();
  });

  test('gives up after maxAttempts with the last error', async () => {
    server.failNext('POST /status', { mode: '503', times: 100 });
    const err = await caught(clientFor(server, { retry: { ...FAST_RETRY, maxAttempts: 3 } }).status());
    expect(server.attempts.get('POST /status')).toBe(3);
    expect(err.status).toBe(503);
    expect(err.isRetryable()).toBe(true);
    expect(err.message).toMatch(/gave up after 3 attempts/);
  });

  test('gives up when the total time budget is spent', async () => {
    server.failNext('POST /status', { mode: 'reset', times: 1000 });
    const started = Date.now();
    const err = await caught(
      clientFor(server, { retry: { maxAttempts: 1000, baseDelayMs: 20, maxDelayMs: 40, maxTotalMs: 300 } }).status(),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(err.status).toBe(0);
    expect(err.type).toBe('NetworkError');
    expect(server.attempts.get('POST /status')!).toBeLessThan(1000);
  });

  test('a network failure with nothing listening is an ApiError with status 0', async () => {
    const url = server.url;
    await server.close();
    const client = new SkyClient({ endpoint: url, env: {}, identity: IDENTITY, retry: { ...FAST_RETRY, maxAttempts: 2 } });
    const err = await caught(client.status());
    expect(err.status).toBe(0);
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.message).toContain(url);
  });

  test('a write retried after the connection dropped runs once on the server', async () => {
    server.failNext('POST /stop', { mode: 'reset-after-run', times: 1 });
    await clientFor(server).stop('c1');
    expect(server.attempts.get('POST /stop')).toBe(2);
    const ids = server.requestIds.get('POST /stop')!;
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(server.writesRun.get('c1')).toBe(1);
  });

  test('two separate writes get two request ids and both run', async () => {
    const client = clientFor(server);
    await client.stop('c1');
    await client.stop('c1');
    const ids = server.requestIds.get('POST /stop')!;
    expect(new Set(ids).size).toBe(2);
    expect(server.writesRun.get('c1')).toBe(2);
  });

  test('a failed scheduled request becomes a typed ApiError', async () => {
    const err = await caught(clientFor(server).down('missing'));
    expect(err.status).toBe(500);
    expect(err.type).toBe('ClusterDoesNotExist');
    expect(err.message).toBe("Cluster 'missing' does not exist.");
    expect(err.isNotFound()).toBe(true);
    expect(err.requestId).toBe(server.requestIds.get('POST /down')![0]);
    expect(server.attempts.get('GET /api/get')).toBe(1);
  });

  test('bodies carry env_vars with the user hash and name', async () => {
    await clientFor(server).stop('c1');
    expect(server.bodies[0]).toEqual({
      cluster_name: 'c1',
      purge: false,
      env_vars: { SKYPILOT_USER_ID: 'abcd1234', SKYPILOT_USER: 'tester' },
    });
  });

  test('logs() streams text chunks', async () => {
    const chunks: string[] = [];
    for await (const chunk of clientFor(server).logs('c1', 1, { follow: false })) chunks.push(chunk);
    expect(chunks.join('')).toBe('line 1\nline 2 ✓\n');
    expect(chunks.length).toBeGreaterThanOrEqual(2);
  });

  test('the version check runs once per client', async () => {
    const client = clientFor(server);
    await client.status();
    await client.stop('c1');
    expect(server.healthCalls).toBe(1);
  });
});
