/**
 * The README's recipe for the official `sky` CLI in a sandbox session: the session as a cookie in a
 * Netscape cookie file (`~/.sky/cookies.txt` or `SKYPILOT_API_COOKIE_FILE`), which the CLI loads with
 * Python's `MozillaCookieJar` (`sky/server/common.py get_api_cookie_jar`) and sends with every call.
 * Replayed with python3's own cookie jar against a listening sandbox: the change lands in that session
 * and only there.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Express } from 'express';
import { ListeningApp } from '../helpers/listeningApp';
import { makeTempDir, removeDir } from '../helpers/tempState';
import { startSandboxApp, type SandboxApp } from './sandboxApp';

let s: SandboxApp;
let dir: string;
class Server extends ListeningApp {
  protected app(): Express {
    return s.app as unknown as Express;
  }
}
let server: Server;

beforeAll(async () => {
  s = await startSandboxApp();
  server = await new Server().start();
  dir = makeTempDir('skyts-cookies-');
});
afterAll(async () => {
  await server.close();
  await s.close();
  removeDir(dir);
});

/**
 * What `sky stop CLUSTER` sends, through python3's cookie jar loaded from `file`; the request's status.
 * Asynchronous: the server answering it runs in this process.
 */
function stopWithCookieFile(file: string, cluster: string): Promise<string> {
  const script = `
import json, sys, urllib.request
from http.cookiejar import MozillaCookieJar
jar = MozillaCookieJar(sys.argv[1]); jar.load()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
base = sys.argv[2]
body = json.dumps({'cluster_name': sys.argv[3], 'purge': False}).encode()
req = urllib.request.Request(base + '/stop', data=body, method='POST', headers={
    'Content-Type': 'application/json', 'X-SkyPilot-API-Version': '49', 'X-SkyPilot-Version': '1.0.0.dev20260301'})
rid = opener.open(req).headers['X-Skypilot-Request-ID']
try:
    got = json.load(opener.open(base + '/api/get?request_id=' + rid))
    print(got['status'])
except urllib.error.HTTPError as e:
    print(json.load(e)['detail']['status'])
`;
  const port = new URL(server.url).port;
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', script, file, `http://localhost:${port}`, cluster], { timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(stderr || error.message)) : resolve(stdout.trim()),
    );
  });
}

describe("the official CLI's cookie file carries a sandbox session", () => {
  it('a stop lands in the session the cookie names, and only there', async () => {
    const id = await s.newSession();
    const file = path.join(dir, 'cookies.txt');
    // The README's printf line, byte for byte.
    fs.writeFileSync(file, `# Netscape HTTP Cookie File\nlocalhost.local\tFALSE\t/\tFALSE\t2147483647\tskyts_demo_session\t${id}\n`);
    expect(await stopWithCookieFile(file, 'lambda-k8s')).toBe('SUCCEEDED');
    const mine = await s.inSession<{ name: string; status: string }[]>(id, '/status', { cluster_names: ['lambda-k8s'] });
    expect(mine.value[0].status).toBe('STOPPED');
    const other = await s.inSession<{ name: string; status: string }[]>(await s.newSession(), '/status', { cluster_names: ['lambda-k8s'] });
    expect(other.value[0].status).toBe('UP');
  });

  it('without the cookie the same call is refused, and nothing changes', async () => {
    const file = path.join(dir, 'empty.txt');
    fs.writeFileSync(file, '# Netscape HTTP Cookie File\n');
    expect(await stopWithCookieFile(file, 'lambda-k8s')).toBe('FAILED');
  });
});
