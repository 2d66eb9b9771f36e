/**
 * Fairness: one client cannot take the whole server. Past its budget a client gets 429 with
 * Retry-After and the typed body, on the lean path and the Express path alike, while other clients
 * are served. On by default in the demo, off on the nightly; `SKYPILOT_RATE_LIMIT` sets it.
 */
import request from 'supertest';
import { createApp } from '../../src/app';
import { installDemo } from '../../src/demo/installDemo';
import { parseTrustedProxies } from '../../src/http/clientAddress';
import { DEMO_RATE_LIMIT, clientKey, parseRateLimit } from '../../src/http/rateLimit';
import { parseServerConfig } from '../../src/serverConfig';
import { useApiHarness } from '../helpers/api';

const h = useApiHarness();

describe('per-client rate limit', () => {
  it('answers 429 with Retry-After and the typed body past the budget, on every path', async () => {
    const app = createApp({
      requests: h.store,
      dashboard: { builtDir: h.dashboardDir },
      rateLimit: { points: 4, seconds: 60 },
      trustProxy: parseTrustedProxies('loopback'),
    });
    const one = { 'X-Forwarded-For': '203.0.113.5' };
    for (let i = 0; i < 4; i++) expect((await request(app).get('/api/health').set(one)).status).toBe(200);
    for (const res of [
      await request(app).post('/status').set(one).send({}),
      await request(app).get('/api/get').set(one).query({ request_id: 'x' }),
      await request(app).get('/users').set(one),
    ]) {
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body.error).toMatchObject({ type: 'RateLimited', code: 'rate_limited' });
    }
    expect((await request(app).get('/api/health').set({ 'X-Forwarded-For': '203.0.113.6' })).status).toBe(200);
    // Probes are never throttled, so a balancer behind the same address cannot restart a healthy replica.
    expect((await request(app).get('/healthz').set(one)).status).toBe(200);
    expect((await request(app).get('/readyz').set(one)).status).toBe(200);
  });

  it('counts an IPv6 client per /64 and IPv4-mapped addresses as IPv4', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:db8:1:2:bbbb::9'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::ffff:198.51.100.1')).toBe('198.51.100.1');
  });

  it('is off on the nightly and on in the demo by default; the variable overrides both', () => {
    expect(parseServerConfig([], {}).rateLimit).toBeNull();
    expect(parseServerConfig([], { SKYPILOT_RATE_LIMIT: '100/10' }).rateLimit).toEqual({ points: 100, seconds: 10 });
    const demo = installDemo({ reloadMs: 0, log: () => {} });
    try {
      expect(parseServerConfig([], {}).rateLimit).toEqual(DEMO_RATE_LIMIT);
      expect(parseServerConfig([], { SKYPILOT_RATE_LIMIT: 'off' }).rateLimit).toBeNull();
    } finally {
      demo.restore();
    }
  });

  it('a bad setting is one line', () => {
    expect(() => parseRateLimit('lots', null)).toThrow(
      "SKYPILOT_RATE_LIMIT must be <requests>/<seconds> (e.g. 1200/60) or off, got 'lots'",
    );
    expect(() => parseServerConfig([], { SKYPILOT_TRUSTED_PROXIES: 'not-an-ip' })).toThrow(/^SKYPILOT_TRUSTED_PROXIES: /);
  });

  it('the demo default lets a person click through a dashboard: 20 page loads of 30 calls in a minute', () => {
    expect((DEMO_RATE_LIMIT.points / DEMO_RATE_LIMIT.seconds) * 60).toBeGreaterThanOrEqual(20 * 30);
  });
});
