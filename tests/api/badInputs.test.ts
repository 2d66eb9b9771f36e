/**
 * Bad inputs are refused with a 4xx and the typed JSON error body, never a 500 and never a stack
 * trace; and nothing stored is lost because of them.
 */
import request from 'supertest';
import type { StatusRecord } from '../../src/api/wireTypes';
import { STACK_TRACE, call, useApiHarness } from '../helpers/api';
import { seedCluster } from '../helpers/fixtures';

const h = useApiHarness();

beforeAll(async () => {
  await seedCluster('keep-1');
  await seedCluster('keep-2');
});

interface BadCase {
  what: string;
  method: 'get' | 'post';
  path: string;
  /** An object is sent as JSON; a string is sent raw with `contentType`. */
  body?: unknown;
  contentType?: string;
  status: number;
  code?: string;
}

const MB = 1024 * 1024;

const CASES: BadCase[] = [
  // wrong types
  { what: 'cluster_name is a number', method: 'post', path: '/stop', body: { cluster_name: 123 }, status: 400, code: 'invalid_request' },
  {
    what: 'idle_minutes is a string',
    method: 'post',
    path: '/autostop',
    body: { cluster_name: 'keep-1', idle_minutes: '30' },
    status: 400,
  },
  {
    what: 'idle_minutes is fractional',
    method: 'post',
    path: '/autostop',
    body: { cluster_name: 'keep-1', idle_minutes: 1.5 },
    status: 400,
  },
  {
    what: 'down is a string',
    method: 'post',
    path: '/autostop',
    body: { cluster_name: 'keep-1', idle_minutes: 5, down: 'yes' },
    status: 400,
  },
  { what: 'all_users is a string', method: 'post', path: '/status', body: { all_users: 'yes' }, status: 400 },
  { what: 'cluster_names holds numbers', method: 'post', path: '/status', body: { cluster_names: [1, 2] }, status: 400 },
  { what: 'env_vars is a string', method: 'post', path: '/status', body: { env_vars: 'USER=me' }, status: 400 },
  { what: 'days is a string', method: 'post', path: '/cost_report', body: { days: 'ten' }, status: 400 },
  { what: 'job_ids is not a list', method: 'post', path: '/jobs/queue/v2', body: { job_ids: '3' }, status: 400 },
  { what: 'job_ids holds a non-numeric string', method: 'post', path: '/jobs/queue/v2', body: { job_ids: ['abc'] }, status: 400 },
  { what: 'request_ids is a string', method: 'post', path: '/api/cancel', body: { request_ids: 'abc' }, status: 400 },
  { what: 'tail is a string', method: 'post', path: '/logs', body: { cluster_name: 'keep-1', tail: 'all' }, status: 400 },
  {
    what: 'workspace config is a string',
    method: 'post',
    path: '/workspaces/create',
    body: { workspace_name: 'w', config: 'x' },
    status: 400,
  },
  // missing required fields
  { what: '/stop without cluster_name', method: 'post', path: '/stop', body: {}, status: 400 },
  { what: '/autostop without idle_minutes', method: 'post', path: '/autostop', body: { cluster_name: 'keep-1' }, status: 400 },
  { what: '/users/create without username', method: 'post', path: '/users/create', body: { role: 'user' }, status: 400 },
  { what: '/users/update without user_id', method: 'post', path: '/users/update', body: { role: 'user' }, status: 400 },
  { what: '/users/delete without user_id', method: 'post', path: '/users/delete', body: {}, status: 400 },
  { what: '/workspaces/create without config', method: 'post', path: '/workspaces/create', body: { workspace_name: 'w' }, status: 400 },
  { what: '/queue without cluster_name', method: 'post', path: '/queue', body: {}, status: 400 },
  { what: '/stop with no body at all', method: 'post', path: '/stop', status: 400 },
  // invalid and non-object JSON
  {
    what: 'invalid JSON',
    method: 'post',
    path: '/status',
    body: '{"cluster_names": [',
    contentType: 'application/json',
    status: 400,
    code: 'invalid_json',
  },
  {
    what: 'trailing garbage',
    method: 'post',
    path: '/stop',
    body: '{"cluster_name": "keep-1"} x',
    contentType: 'application/json',
    status: 400,
    code: 'invalid_json',
  },
  { what: 'JSON string', method: 'post', path: '/status', body: '"hello"', contentType: 'application/json', status: 400 },
  { what: 'JSON number', method: 'post', path: '/status', body: '42', contentType: 'application/json', status: 400 },
  { what: 'JSON null', method: 'post', path: '/stop', body: 'null', contentType: 'application/json', status: 400 },
  { what: 'JSON array', method: 'post', path: '/status', body: '[1, 2]', contentType: 'application/json', status: 400 },
  {
    what: 'unsupported charset',
    method: 'post',
    path: '/status',
    body: '{}',
    contentType: 'application/json; charset=ebcdic',
    status: 415,
  },
  {
    what: 'text body to a JSON endpoint',
    method: 'post',
    path: '/stop',
    body: 'cluster_name=keep-1',
    contentType: 'text/plain',
    status: 400,
  },
  // unknown enum values
  { what: 'refresh SOMETIMES', method: 'post', path: '/status', body: { refresh: 'SOMETIMES' }, status: 400 },
  { what: 'managed job status BOGUS', method: 'post', path: '/jobs/queue/v2', body: { statuses: ['BOGUS'] }, status: 400 },
  { what: 'role superuser', method: 'post', path: '/users/create', body: { username: 'mallory', role: 'superuser' }, status: 400 },
  { what: 'role on update', method: 'post', path: '/users/update', body: { user_id: 'aaaa0001', role: 'root' }, status: 400 },
  { what: 'event_type BOOM', method: 'post', path: '/cluster_events', body: { cluster_name: 'keep-1', event_type: 'BOOM' }, status: 400 },
  { what: 'stream format pdf', method: 'get', path: '/api/stream?format=pdf', status: 400 },
  // numbers out of range
  { what: 'negative idle_minutes', method: 'post', path: '/autostop', body: { cluster_name: 'keep-1', idle_minutes: -5 }, status: 400 },
  {
    what: 'negative idle_minutes_to_autostop',
    method: 'post',
    path: '/start',
    body: { cluster_name: 'keep-1', idle_minutes_to_autostop: -2 },
    status: 400,
  },
  { what: 'days 0', method: 'post', path: '/cost_report', body: { days: 0 }, status: 400 },
  { what: 'page 0', method: 'post', path: '/jobs/queue/v2', body: { page: 0, limit: 10 }, status: 400 },
  { what: 'limit 5000', method: 'post', path: '/jobs/queue/v2', body: { limit: 5000 }, status: 400 },
  { what: 'negative job id', method: 'post', path: '/jobs/queue/v2', body: { job_ids: [-1] }, status: 400 },
  { what: '/api/status limit -1', method: 'get', path: '/api/status?limit=-1', status: 400 },
  { what: '/api/status limit abc', method: 'get', path: '/api/status?limit=abc', status: 400 },
  { what: '/api/stream tail abc', method: 'get', path: '/api/stream?tail=abc', status: 400 },
  // bad names
  { what: 'empty cluster name', method: 'post', path: '/stop', body: { cluster_name: '' }, status: 400 },
  { what: 'cluster name with a path', method: 'post', path: '/down', body: { cluster_name: '../../etc/passwd' }, status: 400 },
  { what: 'cluster name with a space', method: 'post', path: '/stop', body: { cluster_name: 'keep 1' }, status: 400 },
  { what: 'cluster name with a leading dash', method: 'post', path: '/stop', body: { cluster_name: '-rf' }, status: 400 },
  { what: 'cluster name with a glob', method: 'post', path: '/down', body: { cluster_name: 'keep-*' }, status: 400 },
  { what: 'cluster name too long', method: 'post', path: '/stop', body: { cluster_name: 'k'.repeat(300) }, status: 400 },
  { what: 'cluster name with SQL', method: 'post', path: '/down', body: { cluster_name: "x'; DROP TABLE clusters; --" }, status: 400 },
  { what: 'empty username', method: 'post', path: '/users/create', body: { username: '   ' }, status: 400 },
  // Hostile text: nothing stored may drive a terminal that prints it later.
  { what: 'username clearing the terminal', method: 'post', path: '/users/create', body: { username: 'eve\u001b[2J' }, status: 400 },
  { what: 'username with a bidi override', method: 'post', path: '/users/create', body: { username: 'admin\u202egnp.exe' }, status: 400 },
  { what: 'username with a newline', method: 'post', path: '/users/create', body: { username: 'eve\nroot' }, status: 400 },
  { what: 'cluster name with an escape', method: 'post', path: '/stop', body: { cluster_name: 'keep\u001b[2J' }, status: 400 },
  { what: 'cluster name starting with a digit', method: 'post', path: '/stop', body: { cluster_name: '1keep' }, status: 400 },
  {
    what: 'workspace name with an escape',
    method: 'post',
    path: '/workspaces/create',
    body: { workspace_name: 'w\u0007', config: {} },
    status: 400,
  },
  {
    what: 'workspace name with a space',
    method: 'post',
    path: '/workspaces/create',
    body: { workspace_name: 'team a', config: {} },
    status: 400,
  },
  // The identity a client sends becomes the request's user and a row of the users table.
  {
    what: 'env_vars user name clearing the terminal',
    method: 'post',
    path: '/status',
    body: { env_vars: { SKYPILOT_USER_ID: 'abcd1234', SKYPILOT_USER: 'eve\u001b[2J' } },
    status: 400,
    code: 'invalid_request',
  },
  {
    what: 'env_vars user id with a newline',
    method: 'post',
    path: '/stop',
    body: { cluster_name: 'keep-1', env_vars: { SKYPILOT_USER_ID: 'abcd1234\nroot', SKYPILOT_USER: 'eve' } },
    status: 400,
  },
  {
    what: 'env_vars user name with a bidi override',
    method: 'post',
    path: '/autostop',
    body: { cluster_name: 'keep-1', idle_minutes: 5, env_vars: { SKYPILOT_USER_ID: 'abcd1234', SKYPILOT_USER: 'admin\u202egnp.exe' } },
    status: 400,
  },
  {
    what: 'env_vars user name too long',
    method: 'post',
    path: '/status',
    body: { env_vars: { SKYPILOT_USER_ID: 'abcd1234', SKYPILOT_USER: 'e'.repeat(200) } },
    status: 400,
  },
  { what: 'enabled_clouds workspace with a path', method: 'get', path: '/enabled_clouds?workspace=../x', status: 400 },
  { what: 'enabled_clouds expand maybe', method: 'get', path: '/enabled_clouds?expand=maybe', status: 400 },
  // /api/get
  { what: '/api/get without request_id', method: 'get', path: '/api/get', status: 400 },
  { what: '/api/get with an empty request_id', method: 'get', path: '/api/get?request_id=', status: 400 },
  { what: '/api/get with two request_ids', method: 'get', path: '/api/get?request_id=a&request_id=b', status: 400 },
  // size
  {
    what: 'body over 1 MB',
    method: 'post',
    path: '/status',
    body: { env_vars: { BIG: 'x'.repeat(MB + 10) } },
    status: 413,
    code: 'payload_too_large',
  },
  {
    what: 'raw body over 1 MB',
    method: 'post',
    path: '/stop',
    body: `{"cluster_name": "${'k'.repeat(MB + 10)}"}`,
    contentType: 'application/json',
    status: 413,
  },
];

function send(c: BadCase) {
  const req = request(h.app)[c.method](c.path);
  if (c.body === undefined) return req;
  if (typeof c.body === 'string') return req.set('Content-Type', c.contentType ?? 'application/json').send(c.body);
  return req.send(c.body as object);
}

describe('bad inputs', () => {
  it.each(CASES.map((c) => [c.what, c.method.toUpperCase(), c.path, c.status, c] as const))(
    '%s: %s %s -> %d',
    async (_what, _m, _p, status, c) => {
      const res = await send(c);
      expect(res.status).toBe(status);
      expect(res.status).not.toBe(500);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.headers['x-skypilot-request-id']).toBeUndefined(); // refused before scheduling
      expect(res.body).toEqual({
        detail: expect.any(String),
        error: expect.objectContaining({ type: expect.any(String), code: expect.any(String), message: expect.any(String) }),
      });
      if (c.code) expect(res.body.error.code).toBe(c.code);
      expect(STACK_TRACE.test(res.text)).toBe(false);
      expect(res.text).not.toMatch(/node_modules|\/src\//);
    },
  );

  it('validation errors name each bad field', async () => {
    const res = await request(h.app).post('/autostop').send({ cluster_name: 'bad name', idle_minutes: -9 });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('ValidationError');
    const paths = (res.body.error.issues as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual(['cluster_name', 'idle_minutes']);
    expect(res.body.detail).toMatch(/cluster_name/);
    expect(res.body.detail).toMatch(/idle_minutes/);
  });

  it('a hostile user name in env_vars is stored nowhere, and the error names the variable once', async () => {
    const hostile = { SKYPILOT_USER_ID: 'hostile1', SKYPILOT_USER: 'mallory\u001b]0;pwned\u0007' };
    const res = await request(h.app).post('/workspaces/create').send({ workspace_name: 'by-mallory', config: {}, env_vars: hostile });
    expect(res.status).toBe(400);
    expect(res.body.error.type).toBe('ValidationError');
    expect(res.body.detail).toBe(
      'Invalid request body: env_vars.SKYPILOT_USER: printable characters only (no control characters), at most 128',
    );
    const users = (await request(h.app).get('/users')).body as { id: string; name: string }[];
    expect(users.map((u) => u.id)).not.toContain('hostile1');
    const requests = (await request(h.app).get('/api/status?all_status=true')).body as { user_id: string; user_name: string }[];
    expect(requests.filter((r) => r.user_id === 'hostile1' || /[\u0000-\u001f]/.test(r.user_name ?? ''))).toEqual([]);
    expect(Object.keys(await call<Record<string, unknown>>(h.app, '/workspaces', { method: 'get' }))).not.toContain('by-mallory');
  });

  it('a bad username says what is wrong with the prefix once', async () => {
    const res = await request(h.app).post('/users/create').send({ username: 'eve\u001b[2J' });
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('Invalid request body: username: printable characters only (no control characters), at most 128');
    const empty = await request(h.app).post('/users/create').send({ username: ' ' });
    expect(empty.body.detail).toBe('Invalid request body: username: must not be empty');
  });

  it('workspace names may be upper case, as upstream allows (it is the space that is refused)', async () => {
    expect(
      await call<Record<string, unknown>>(h.app, '/workspaces/create', { body: { workspace_name: 'TeamA', config: {} } }),
    ).toHaveProperty('TeamA');
  });

  it('unknown fields are ignored, as upstream does', async () => {
    const rows = await call<StatusRecord[]>(h.app, '/status', { body: { some_future_field: { nested: true } } });
    expect(rows.length).toBeGreaterThanOrEqual(2);
  });

  it('nothing stored was lost after the bad inputs', async () => {
    for (const c of CASES) await send(c); // once more, all in a row
    const rows = await call<StatusRecord[]>(h.app, '/status');
    expect(rows.map((r) => r.name).sort()).toEqual(['keep-1', 'keep-2']);
    expect(rows.every((r) => r.status === 'UP' && r.autostop === -1)).toBe(true);
    const health = await request(h.app).get('/api/health');
    expect(health.status).toBe(200);
  });
});
