/**
 * Service-account tokens as upstream issues them (`sky_` + an HS256 JWT), on a server with auth
 * (`SKYPILOT_AUTH_USER_HEADER`) and tokens on: made by a user, shown once, stored as a sha256 only;
 * a bearer token is its account with the account's role (beating the proxy header); a token that is
 * malformed, forged, expired, revoked or rotated is a typed 401; who may manage which token is
 * upstream's rule (creator or admin), except that only an admin makes an account an admin; the
 * look-up is cached, shared by concurrent requests and bounded. Runs on SQLite and PostgreSQL.
 */
import request from 'supertest';
import { createApp, type SkyApp } from '../../src/app';
import { cachedTokenCount, forgetServiceAccountTokens, serviceAccountOf, TOKEN_CACHE_MAX } from '../../src/http/bearerAuth';
import type { HttpCall } from '../../src/http/httpCall';
import { signToken, tokenHash } from '../../src/http/serviceAccountToken';
import type { RequestStore } from '../../src/requests/requestStore';
import { globalUserState } from '../../src/state/globalUserState';
import { stateStore } from '../../src/state/stateStore';
import { drainRequests, openTestRequestStore, REQUEST_ID_HEADER } from '../helpers/api';
import { seedCluster } from '../helpers/fixtures';
import { as, HEADER, hash, NAMES, OTHER, seedRoleUsers } from '../helpers/roleUsers';
import { closeTempState, makeTempDir, openTempState, removeDir, type TempState } from '../helpers/tempState';

const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
const TOKENS = '/users/service-account-tokens';

let state: TempState;
let store: RequestStore;
let app: SkyApp;
let tokensOff: SkyApp;
let dashboardDir: string;

beforeAll(async () => {
  state = await openTempState();
  store = await openTestRequestStore(state);
  dashboardDir = makeTempDir('skyts-sa-');
  const deps = { requests: store, dashboard: { builtDir: dashboardDir }, authUserHeader: HEADER, getTimeoutMs: 10_000 };
  app = createApp({ ...deps, serviceAccounts: true });
  tokensOff = createApp({ ...deps, serviceAccounts: false });
  await seedRoleUsers();
});
afterAll(async () => {
  await drainRequests(store);
  await store.close();
  await closeTempState(state);
  removeDir(dashboardDir);
});

interface Issued {
  token_id: string;
  token: string;
  service_account_user_id: string;
  expires_at: number | null;
}

async function create(who: string, tokenName: string, extra: object = {}): Promise<Issued> {
  const res = await request(app)
    .post(TOKENS)
    .set(as(who))
    .send({ token_name: tokenName, ...extra });
  expect([res.status, res.text]).toEqual([200, expect.any(String)]);
  return res.body as Issued;
}

const db = async () => (await stateStore.db()).kysely;

/** A scheduled call's final state, as the caller with `headers` sees it. */
async function run(headers: Record<string, string>, path: string, body: object) {
  const res = await request(app).post(path).set(headers).send(body);
  expect(res.status).toBe(200);
  const got = await request(app).get('/api/get').set(headers).query({ request_id: res.headers[REQUEST_ID_HEADER] });
  return { status: got.body.status ?? got.body.detail.status, error: got.status === 500 ? JSON.parse(got.body.detail.error) : null };
}

describe('a token is made, shown once and stored as a hash', () => {
  let issued: Issued;
  beforeAll(async () => {
    issued = await create(NAMES.user, 'ci-bot', { expires_in_days: 30 });
  });

  it("is upstream's shape: sky_ and a three-part JWT with the account's id", () => {
    expect(issued.token).toMatch(/^sky_[\w-]+\.[\w-]+\.[\w-]+$/);
    const claims = JSON.parse(Buffer.from(issued.token.slice(4).split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ i: 'sky', y: 'sa', u: issued.service_account_user_id, k: issued.token_id, exp: issued.expires_at });
    expect(issued.service_account_user_id).toMatch(/^sa-[0-9a-f]{16}$/);
    expect(issued.expires_at! - Date.now() / 1000).toBeGreaterThan(30 * 86400 - 60);
  });

  it('the database keeps its sha256, never the token', async () => {
    const row = await (await db())
      .selectFrom('service_account_tokens')
      .selectAll()
      .where('token_id', '=', issued.token_id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(tokenHash(issued.token));
    expect(JSON.stringify(row)).not.toContain(issued.token.slice(4, 40));
  });

  it('the list (a viewer may read it) shows metadata, never a token or a hash', async () => {
    const res = await request(app).get(TOKENS).set(as(NAMES.viewer)).expect(200);
    const listed = (res.body as Record<string, unknown>[]).find((t) => t.token_id === issued.token_id);
    expect(listed).toMatchObject({
      token_name: 'ci-bot',
      creator_user_hash: hash(NAMES.user),
      creator_name: NAMES.user,
      service_account_name: 'ci-bot',
      service_account_roles: ['user'],
      expires_at: issued.expires_at,
    });
    expect(res.text).not.toContain(issued.token.slice(4, 40));
    expect(res.text).not.toContain(tokenHash(issued.token));
  });

  it('the account is a user of type sa, kept off the users list as upstream', async () => {
    expect(await globalUserState.getUser(issued.service_account_user_id)).toMatchObject({ name: 'ci-bot', userType: 'sa', role: 'user' });
    const users = (await request(app).get('/users').set(as(NAMES.admin)).expect(200)).body as { id: string }[];
    expect(users.map((u) => u.id)).not.toContain(issued.service_account_user_id);
  });

  it.each([
    ['a name taken by a user', { token_name: OTHER }, 409, 'service_account_exists'],
    ['a name that is not a cluster-style name', { token_name: 'has space' }, 400, 'invalid_request'],
    ['no name', {}, 400, 'invalid_request'],
    ['negative days', { token_name: 'neg', expires_in_days: -1 }, 400, 'invalid_request'],
    ['fractional days', { token_name: 'frac', expires_in_days: 1.5 }, 400, 'invalid_request'],
  ])('refuses %s', async (_what, body, status, code) => {
    const res = await request(app).post(TOKENS).set(as(NAMES.user)).send(body);
    expect([res.status, res.body.error?.code]).toEqual([status, code]);
  });

  it('a server with tokens off makes none, and says so in /api/health', async () => {
    const res = await request(tokensOff).post(TOKENS).set(as(NAMES.admin)).send({ token_name: 'never' });
    expect([res.status, res.body.error.code]).toEqual([409, 'service_accounts_off']);
    expect((await request(tokensOff).get('/api/health')).body.service_account_token_enabled).toBe(false);
    expect((await request(app).get('/api/health')).body.service_account_token_enabled).toBe(true);
  });
});

describe('a bearer token is its account', () => {
  let issued: Issued;
  beforeAll(async () => {
    issued = await create(NAMES.user, 'deployer');
  });

  it('with its role, on /users/role and /api/health (what `sky api login --token` shows)', async () => {
    const role = await request(app).get('/users/role').set(bearer(issued.token)).expect(200);
    expect(role.body).toEqual({ id: issued.service_account_user_id, name: 'deployer', role: 'user' });
    const health = await request(app).get('/api/health').set(bearer(issued.token)).expect(200);
    expect(health.body.user).toEqual({ id: issued.service_account_user_id, name: 'deployer' });
  });

  it("beats the proxy's header: a token and an admin's name is the token's account", async () => {
    const res = await request(app)
      .get('/users/role')
      .set({ ...bearer(issued.token), ...as(NAMES.admin) })
      .expect(200);
    expect(res.body.role).toBe('user');
    expect(
      (
        await request(app)
          .post('/users/create')
          .set({ ...bearer(issued.token), ...as(NAMES.admin) })
          .send({ username: 'x9' })
      ).status,
    ).toBe(403);
  });

  it('acts on its own clusters only, as any user', async () => {
    await seedCluster('sa-own', { userHash: issued.service_account_user_id });
    await seedCluster('sa-not-own', { userHash: hash(OTHER) });
    expect((await run(bearer(issued.token), '/stop', { cluster_name: 'sa-own' })).status).toBe('SUCCEEDED');
    const denied = await run(bearer(issued.token), '/stop', { cluster_name: 'sa-not-own' });
    expect(denied.error).toMatchObject({ type: 'PermissionDeniedError', message: expect.stringMatching(/another user/) });
  });

  it('records when it was last used', async () => {
    const listed = ((await request(app).get(TOKENS).set(as(NAMES.user))).body as { token_id: string; last_used_at: number | null }[]).find(
      (t) => t.token_id === issued.token_id,
    );
    expect(listed?.last_used_at).toBeGreaterThan(Date.now() / 1000 - 60);
  });
});

describe('a token that does not count is a typed 401', () => {
  let secret: string;
  let live: Issued;
  beforeAll(async () => {
    live = await create(NAMES.user, 'probe-bot');
    secret = (await globalUserState.getTokenSecret())!;
  });
  const now = () => Math.floor(Date.now() / 1000);
  const forged = (claims: Partial<{ userId: string; tokenId: string; expiresAt: number | null }>, key = secret) =>
    signToken(key, { userId: live.service_account_user_id, tokenId: live.token_id, issuedAt: now(), expiresAt: null, ...claims });

  const CASES: [string, () => Promise<Record<string, string>>, RegExp][] = [
    ['not a JWT', async () => bearer('sky_not-a-token'), /not a valid service-account token/],
    ['a JWT signed with another secret', async () => bearer(forged({}, 'another-secret')), /not a valid service-account token/],
    ['a tampered signature', async () => bearer(`${live.token.slice(0, -2)}${live.token.endsWith('AA') ? 'BB' : 'AA'}`), /not a valid/],
    [
      "alg 'none'",
      async () => {
        const [, body] = live.token.slice(4).split('.');
        return bearer(`sky_${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${body}.`);
      },
      /not a valid/,
    ],
    ['well signed but never stored', async () => bearer(forged({ tokenId: 'never-stored' })), /revoked or rotated/],
    ['expired by its claim', async () => bearer(forged({ expiresAt: now() - 10 })), /has expired/],
    [
      'expired by its stored row',
      async () => {
        const made = await create(NAMES.user, `expiring-${Date.now()}`, { expires_in_days: 1 });
        await (await db())
          .updateTable('service_account_tokens')
          .set({ expires_at: now() - 5 })
          .where('token_id', '=', made.token_id)
          .execute();
        forgetServiceAccountTokens();
        return bearer(made.token);
      },
      /has expired/,
    ],
    [
      'deleted (revoked)',
      async () => {
        const made = await create(NAMES.user, `revoked-${Date.now()}`);
        await request(app).get('/users/role').set(bearer(made.token)).expect(200);
        await request(app).post(`${TOKENS}/delete`).set(as(NAMES.user)).send({ token_id: made.token_id }).expect(200);
        return bearer(made.token);
      },
      /revoked or rotated/,
    ],
    [
      'rotated away',
      async () => {
        const made = await create(NAMES.user, `rotated-${Date.now()}`);
        await request(app).get('/users/role').set(bearer(made.token)).expect(200);
        const rotated = await request(app).post(`${TOKENS}/rotate`).set(as(NAMES.user)).send({ token_id: made.token_id }).expect(200);
        await request(app).get('/users/role').set(bearer(rotated.body.token)).expect(200);
        return bearer(made.token);
      },
      /revoked or rotated/,
    ],
    ['token mode without a bearer', async () => ({ 'X-Skypilot-Auth-Mode': 'token' }), /needs an "Authorization: Bearer/],
  ];

  it.each(CASES)('%s', async (_what, headers, message) => {
    const h = await headers();
    for (const path of ['/users/role', '/api/health', '/dashboard/']) {
      const res = await request(app).get(path).set(h);
      expect([path, res.status, res.body.error?.code]).toEqual([path, 401, 'invalid_token']);
      expect(res.body.error.message).toMatch(message);
    }
    // Never an identity through the back door: a scheduled call refused too.
    expect((await request(app).post('/status').set(h).send({})).status).toBe(401);
  });

  it('on a server with tokens off, any sky_ bearer is 401, even a good one', async () => {
    const res = await request(tokensOff).get('/users/role').set(bearer(live.token));
    expect([res.status, res.body.error.code, res.body.error.message]).toEqual([
      401,
      'invalid_token',
      expect.stringMatching(/off on this server/),
    ]);
  });

  it('the probes answer whatever token comes with them', async () => {
    for (const path of ['/healthz', '/readyz']) expect((await request(app).get(path).set(bearer('sky_bad'))).status).toBe(200);
  });

  it('another kind of bearer (not sky_) is left to the proxy header, as upstream', async () => {
    expect(
      (
        await request(app)
          .get('/users/role')
          .set({ ...bearer('opaque-proxy-token'), ...as(NAMES.viewer) })
      ).body.role,
    ).toBe('viewer');
  });
});

describe('who manages which token (upstream: its creator or an admin)', () => {
  let umas: Issued;
  let oles: Issued;
  beforeAll(async () => {
    umas = await create(NAMES.user, 'uma-bot');
    oles = await create(OTHER, 'ole-bot');
  });

  it.each([
    ['the creator reads its role', NAMES.user, 'get-role', () => ({ token_id: umas.token_id }), 200],
    ["a user reads another's role", NAMES.user, 'get-role', () => ({ token_id: oles.token_id }), 403],
    ["an admin reads anyone's role", NAMES.admin, 'get-role', () => ({ token_id: oles.token_id }), 200],
    ['a viewer reads none (not on its list)', NAMES.viewer, 'get-role', () => ({ token_id: umas.token_id }), 403],
    ['the creator makes its account a viewer', NAMES.user, 'update-role', () => ({ token_id: umas.token_id, role: 'viewer' }), 200],
    ['the creator may not make its account an admin', NAMES.user, 'update-role', () => ({ token_id: umas.token_id, role: 'admin' }), 403],
    ["a user changes another's role", NAMES.user, 'update-role', () => ({ token_id: oles.token_id, role: 'viewer' }), 403],
    ["a user rotates another's token", NAMES.user, 'rotate', () => ({ token_id: oles.token_id }), 403],
    ["a user deletes another's token", NAMES.user, 'delete', () => ({ token_id: oles.token_id }), 403],
    ['a viewer makes a token', NAMES.viewer, '', () => ({ token_name: 'vic-bot' }), 403],
    ['an unknown token', NAMES.admin, 'get-role', () => ({ token_id: 'nope' }), 404],
  ] as const)('%s: %s', async (_what, who, action, body, status) => {
    const res = await request(app)
      .post(action ? `${TOKENS}/${action}` : TOKENS)
      .set(as(who))
      .send(body());
    expect([res.status, res.text]).toEqual([status, expect.any(String)]);
    if (status === 403) expect(res.body.error.code).toBe('permission_denied');
  });

  it("nothing a user did to another's token changed it", async () => {
    expect(await globalUserState.getUserRole(oles.service_account_user_id)).toBe('user');
    expect(await globalUserState.getServiceAccountToken(oles.token_id)).toMatchObject({ token_hash: tokenHash(oles.token) });
  });

  it("an admin's role change applies to the account's very next request", async () => {
    await request(app).get('/users/role').set(bearer(oles.token)).expect(200);
    await request(app).post(`${TOKENS}/update-role`).set(as(NAMES.admin)).send({ token_id: oles.token_id, role: 'admin' }).expect(200);
    expect((await request(app).get('/users/role').set(bearer(oles.token))).body.role).toBe('admin');
    expect((await request(app).post('/users/create').set(bearer(oles.token)).send({ username: 'made-by-sa' })).status).toBe(200);
  });

  it('rotation keeps the account, its role and (without days) its expiry; the old token stops at once', async () => {
    const made = await create(NAMES.user, 'rot-keep', { expires_in_days: 10 });
    const res = await request(app).post(`${TOKENS}/rotate`).set(as(NAMES.user)).send({ token_id: made.token_id }).expect(200);
    expect(res.body).toMatchObject({ token_id: made.token_id, service_account_user_id: made.service_account_user_id });
    expect(res.body.token).not.toBe(made.token);
    expect(Math.abs(res.body.expires_at - made.expires_at!)).toBeLessThanOrEqual(86_400);
    expect((await request(app).get('/users/role').set(bearer(res.body.token))).body.id).toBe(made.service_account_user_id);
    expect((await request(app).get('/users/role').set(bearer(made.token))).status).toBe(401);
  });

  it('deleting removes the token and its account; an account that owns a cluster is kept', async () => {
    const busy = await create(NAMES.user, 'busy-bot');
    await seedCluster('busy-cluster', { userHash: busy.service_account_user_id });
    const refused = await request(app).post(`${TOKENS}/delete`).set(as(NAMES.user)).send({ token_id: busy.token_id });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'user_in_use']);
    await request(app).post(`${TOKENS}/delete`).set(as(NAMES.admin)).send({ token_id: umas.token_id }).expect(200);
    expect(await globalUserState.getUser(umas.service_account_user_id)).toBeNull();
    expect(await globalUserState.getServiceAccountToken(umas.token_id)).toBeNull();
  });
});

describe('the look-up never blocks the loop and is bounded', () => {
  const callWith = (token: string): HttpCall =>
    ({
      method: 'GET',
      path: '/users/role',
      query: {},
      body: undefined,
      headers: { authorization: `Bearer ${token}` },
      socketAddress: '127.0.0.1',
      raw: {},
    }) as unknown as HttpCall;

  it('a burst of requests with one token costs one query', async () => {
    const made = await create(NAMES.user, 'burst-bot');
    forgetServiceAccountTokens();
    const spy = jest.spyOn(globalUserState, 'getServiceAccountTokenByHash');
    try {
      const answers = await Promise.all(Array.from({ length: 50 }, () => request(app).get('/users/role').set(bearer(made.token))));
      expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it(`remembers at most ${TOKEN_CACHE_MAX} tokens, however many are presented`, async () => {
    const secret = (await globalUserState.getTokenSecret())!;
    const issuedAt = Math.floor(Date.now() / 1000);
    for (let i = 0; i < TOKEN_CACHE_MAX + 200; i++) {
      const token = signToken(secret, { userId: 'sa-0000000000000000', tokenId: `t${i}`, issuedAt, expiresAt: null });
      await expect(serviceAccountOf(callWith(token), app.context)).rejects.toMatchObject({ status: 401 });
      expect(cachedTokenCount()).toBeLessThanOrEqual(TOKEN_CACHE_MAX);
    }
    expect(cachedTokenCount()).toBe(TOKEN_CACHE_MAX);
  });
});
