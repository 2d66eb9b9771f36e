/**
 * The typed client and the CLI against the real nightly server (SQLite state, HTTP on loopback):
 * stop, start, down and autostop change real state, errors are typed, and a write whose response
 * is lost and retried runs once on the server.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sinon from 'sinon';
import { run } from '../../src/cli/main';
import { ApiError } from '../../src/client/apiError';
import { SkyClient } from '../../src/client/skyClient';
import { stateQueries } from '../../src/state/stateQueries';
import { globalUserState } from '../../src/state/globalUserState';
import { gcpA100, k8sH100, seedCluster, USER_A } from '../helpers/fixtures';
import { ADMIN, useApiHarness } from '../helpers/api';
import { Capture } from '../helpers/capture';
import { listen } from './listen';

const h = useApiHarness();
let served: Awaited<ReturnType<typeof listen>>;
let client: SkyClient;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-client-home-'));
const FAST_RETRY = { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxTotalMs: 5000 };

beforeAll(async () => {
  served = await listen(h.app);
  client = new SkyClient({ endpoint: served.url, home, retry: FAST_RETRY });
});
afterAll(async () => served.close());
beforeEach(async () => {
  for (const c of await globalUserState.getClusters()) await globalUserState.removeCluster(c.name, true);
  await seedCluster('train', { ...gcpA100(), userHash: USER_A });
  await seedCluster('k8s-dev', { ...k8sH100(), userHash: USER_A });
});

describe('SkyClient on the nightly', () => {
  it('reads health and status', async () => {
    const health = await client.health();
    expect(Number(health.api_version)).toBeGreaterThanOrEqual(11);
    const rows = await client.status({ allUsers: true });
    expect(rows.map((r) => r.name).sort()).toEqual(['k8s-dev', 'train']);
    expect(rows.find((r) => r.name === 'train')!.resources_str).toBe("4x GCP(a2-highgpu-8g, {'A100': 8})");
  });

  it('stop, start, autostop and down change the stored state', async () => {
    await client.stop('train');
    expect((await stateQueries.getClusterFromName('train'))!.status).toBe('STOPPED');
    await client.start('train');
    expect((await stateQueries.getClusterFromName('train'))!.status).toBe('UP');
    await client.autostop('train', 45, true);
    expect(await stateQueries.getClusterFromName('train')).toMatchObject({ autostop: 45, toDown: true });
    await client.down('train');
    expect(await stateQueries.getClusterFromName('train')).toBeNull();
    const history = await client.costReport({ days: 1 });
    expect(history.find((r) => r.name === 'train')?.status).toBeNull();
  });

  it('reports a missing cluster as a typed error', async () => {
    const error = await client.stop('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ type: 'ClusterDoesNotExist' });
    expect((error as ApiError).isNotFound()).toBe(true);
  });

  it('runs a retried write once when the first response is lost', async () => {
    const sandbox = sinon.createSandbox();
    // The stop handler looks the cluster up once per run: the count of runs on the server.
    const lookups = sandbox.spy(stateQueries, 'getClusterFromName');
    // A front that passes every request to the real app but cuts the connection on the first /stop
    // after the server has accepted it: the client sees a network error and retries the same request.
    let cut = false;
    let stopPosts = 0;
    const front = http.createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/stop') stopPosts += 1;
      if (!cut && req.method === 'POST' && req.url === '/stop') {
        cut = true;
        const end = res.end.bind(res);
        res.end = ((...args: unknown[]) => {
          req.socket.destroy();
          return end(...(args as []));
        }) as typeof res.end;
      }
      h.app(req, res);
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    try {
      const port = (front.address() as { port: number }).port;
      const retrying = new SkyClient({ endpoint: `http://127.0.0.1:${port}`, home, retry: FAST_RETRY });
      await retrying.stop('k8s-dev');
      expect(cut).toBe(true);
      expect(stopPosts).toBe(2); // the client did retry
      expect(lookups.getCalls().filter((c) => c.args[0] === 'k8s-dev')).toHaveLength(1);
      expect(
        (await h.store.list({ viewer: ADMIN, allStatus: true, limit: 1000 })).filter(
          (r) => r.name === 'sky.stop' && r.clusterName === 'k8s-dev',
        ),
      ).toHaveLength(1);
      expect((await stateQueries.getClusterFromName('k8s-dev'))!.status).toBe('STOPPED');
    } finally {
      sandbox.restore();
      front.closeAllConnections();
      front.close();
    }
  });
});

describe('sky CLI on the nightly', () => {
  async function sky(...argv: string[]) {
    const stdout = new Capture();
    const stderr = new Capture();
    const env = { SKYPILOT_API_SERVER_ENDPOINT: served.url, SKYPILOT_NO_AUTOSTART: '1', HOME: home, NO_COLOR: '1' };
    const code = await run(argv, { stdout, stderr, env });
    return { code, out: stdout.lines, err: stderr.lines };
  }

  it('sky stop, start and down change real state', async () => {
    expect((await sky('stop', 'train')).code).toBe(0);
    expect((await stateQueries.getClusterFromName('train'))!.status).toBe('STOPPED');
    expect((await sky('start', 'train')).code).toBe(0);
    expect((await stateQueries.getClusterFromName('train'))!.status).toBe('UP');
    expect((await sky('down', 'train', '-y')).code).toBe(0);
    expect(await stateQueries.getClusterFromName('train')).toBeNull();
    // Every user's clusters (-u): the seeded ones are not the CLI user's.
    const status = await sky('status', '-u');
    expect(status.out.join('\n')).toContain('k8s-dev');
    expect(status.out.join('\n')).not.toContain('train');
  });

  it('sky stop on a missing cluster prints one line and exits 1', async () => {
    const { code, err } = await sky('stop', 'ghost');
    expect(code).toBe(1);
    expect(err).toEqual(["sky: error: Cluster 'ghost' does not exist."]);
  });
});
