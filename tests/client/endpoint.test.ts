import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_ENDPOINT, isLocalEndpoint, resolveEndpoint } from '../../src/client/endpoint';
import { computeUserHash, resolveIdentity } from '../../src/client/identity';

const homes: string[] = [];

afterAll(() => {
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

function tempHome(config?: string): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-client-home-'));
  homes.push(home);
  if (config !== undefined) {
    fs.mkdirSync(path.join(home, '.sky'));
    fs.writeFileSync(path.join(home, '.sky', 'config.yaml'), config);
  }
  return home;
}

describe('endpoint resolution', () => {
  test('env wins over config.yaml', () => {
    const home = tempHome('api_server:\n  endpoint: http://from-config:1234\n');
    const resolved = resolveEndpoint({ env: { HOME: home, SKYPILOT_API_SERVER_ENDPOINT: 'http://from-env:5678/' } });
    expect(resolved).toEqual({ url: 'http://from-env:5678', authKind: 'none', source: 'env' });
  });

  test('config.yaml in $HOME is used when the env var is unset', () => {
    const home = tempHome('# my config\napi_server:\n  endpoint: https://sky.example.com/\nkubernetes: {}\n');
    expect(resolveEndpoint({ env: { HOME: home } })).toMatchObject({ url: 'https://sky.example.com', source: 'config' });
  });

  test('default endpoint when neither is set', () => {
    expect(resolveEndpoint({ env: { HOME: tempHome() } })).toMatchObject({ url: DEFAULT_ENDPOINT, source: 'default' });
    expect(resolveEndpoint({ env: { HOME: tempHome('other: 1\n') } })).toMatchObject({ url: DEFAULT_ENDPOINT });
  });

  test('an explicit option beats everything', () => {
    const resolved = resolveEndpoint({ endpoint: 'http://opt:1', env: { HOME: tempHome(), SKYPILOT_API_SERVER_ENDPOINT: 'http://env:2' } });
    expect(resolved).toMatchObject({ url: 'http://opt:1', source: 'option' });
  });

  test('basic auth in the URL becomes a header and is stripped from the URL', () => {
    const resolved = resolveEndpoint({ env: { HOME: tempHome(), SKYPILOT_API_SERVER_ENDPOINT: 'http://alice:s%40cret@sky.local:8080' } });
    expect(resolved.url).toBe('http://sky.local:8080');
    expect(resolved.authKind).toBe('basic');
    expect(resolved.authorization).toBe(`Basic ${Buffer.from('alice:s@cret').toString('base64')}`);
  });

  test('a service-account token becomes a bearer header (and wins over URL credentials)', () => {
    const resolved = resolveEndpoint({
      env: { HOME: tempHome(), SKYPILOT_API_SERVER_ENDPOINT: 'http://u:p@h:1', SKYPILOT_SERVICE_ACCOUNT_TOKEN: 'sky_abc' },
    });
    expect(resolved).toMatchObject({ url: 'http://h:1', authorization: 'Bearer sky_abc', authKind: 'bearer' });
  });

  test('an endpoint without a scheme gets http://', () => {
    expect(resolveEndpoint({ endpoint: '127.0.0.1:46580', env: {} }).url).toBe('http://127.0.0.1:46580');
  });

  test('local endpoints', () => {
    expect(isLocalEndpoint('http://127.0.0.1:46580')).toBe(true);
    expect(isLocalEndpoint('http://localhost:1')).toBe(true);
    expect(isLocalEndpoint('https://sky.example.com')).toBe(false);
  });
});

describe('user identity', () => {
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

  test('hash is md5("<user>-<last 4 hex of md5(hostname)>")[:8] and is cached in ~/.sky/user_hash', () => {
    const home = tempHome();
    const expected = md5(`bob-${md5('box').slice(-4)}`).slice(0, 8);
    expect(computeUserHash('bob', 'box')).toBe(expected);
    const identity = resolveIdentity({ env: { HOME: home, USER: 'bob' }, hostname: 'box' });
    expect(identity).toEqual({ hash: expected, name: 'bob' });
    expect(fs.readFileSync(path.join(home, '.sky', 'user_hash'), 'utf8')).toBe(expected);
  });

  test('a cached hash is reused', () => {
    const home = tempHome();
    fs.mkdirSync(path.join(home, '.sky'), { recursive: true });
    fs.writeFileSync(path.join(home, '.sky', 'user_hash'), '0123abcd\n');
    expect(resolveIdentity({ env: { HOME: home, USER: 'bob' } }).hash).toBe('0123abcd');
  });

  test('an unwritable HOME still yields a hash', () => {
    // HOME is a regular file: ~/.sky cannot be created.
    const file = path.join(tempHome(), 'not-a-dir');
    fs.writeFileSync(file, '');
    const identity = resolveIdentity({ env: { HOME: file, USER: 'carol' }, hostname: 'h' });
    expect(identity.hash).toBe(computeUserHash('carol', 'h'));
  });
});
