/**
 * Our `sky`'s `check`, `api logs` and `cost-report` as upstream's: `check` prints the server's
 * report then the server it came from (`--json`: the result); `api logs <id|prefix>` prints the
 * request's log, a failed request's error after it (exit 1), a missing id is a usage error (exit 2);
 * `cost-report [-a] [--days N]` shows live clusters first, the first 5 unless `--all`, the total of
 * the rows shown, and sends the window asked for (`--days 0`: none). `check` and `api logs` run
 * against a listening demo server through the real client; `cost-report` against a fake one.
 */
import type { Express } from 'express';
import type { CostReportRecord } from '../../src/api/wireTypes';
import type { SkyApi } from '../../src/cli/io';
import { run } from '../../src/cli/main';
import { Capture } from '../helpers/capture';
import { ListeningApp } from '../helpers/listeningApp';
import { type DemoApp, PINNED_NOW, startDemoApp } from '../demo/demoApp';

let demo: DemoApp;
class Server extends ListeningApp {
  protected app(): Express {
    return demo.app as unknown as Express;
  }
}
let server: Server;
beforeAll(async () => {
  demo = await startDemoApp();
  server = await new Server().start();
});
afterAll(async () => {
  await server.close();
  await demo.close();
});

async function sky(argv: string[], createClient?: () => Partial<SkyApi>) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await run(argv, {
    stdout,
    stderr,
    env: { SKYPILOT_NOW: PINNED_NOW, SKYPILOT_NO_AUTOSTART: '1', SKYPILOT_API_SERVER_ENDPOINT: server.url, NO_COLOR: '1' },
    ...(createClient ? { createClient: () => createClient() as SkyApi } : {}),
  });
  return { code, out: stdout.lines, err: stderr.lines };
}

describe('sky check', () => {
  it("prints the server's report per workspace, then the server", async () => {
    const { code, out } = await sky(['check']);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toMatch(/Enabled infra.*\(workspace: default\)\n {2}GCP \[compute[^\n]*\n {2}AWS/);
    expect(text).toMatch(/\(workspace: research-private\)\n {2}GCP[^\n]*\n {2}Kubernetes/);
    expect(out.at(-1)).toBe(`Using SkyPilot API server: ${server.url}`);
  });

  it.each([
    [['check', 'kubernetes', '--workspace', 'ml-team', '--json'], { 'ml-team': { Kubernetes: expect.any(Array) } }],
    [['check', 'aws', '--json'], { default: { AWS: expect.any(Array) }, 'ml-team': { AWS: expect.any(Array) }, 'research-private': {} }],
  ])('%j prints the result, filtered', async (argv, expected) => {
    const { code, out } = await sky(argv);
    expect(code).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual(expected);
  });
});

describe('sky api logs', () => {
  it("prints a finished request's log, by its id or a prefix of it", async () => {
    const check = await sky(['check', '--json']);
    expect(check.code).toBe(0);
    const [latest] = await demo.store.list({ viewer: { principal: null, admin: true } as never, allStatus: true, limit: 1 });
    expect(latest.name).toBe('sky.check');
    for (const id of [latest.requestId, latest.requestId.slice(0, 8)]) {
      const { code, out } = await sky(['api', 'logs', id]);
      expect(code).toBe(0);
      expect(out.join('\n')).toMatch(/^Checking credentials to enable infra[\s\S]*workspace: research-private/);
    }
  });

  it("a failed request's log, then its error, exit 1", async () => {
    const refused = await sky(['stop', 'lambda-k8s']);
    expect(refused.code).toBe(1);
    const [latest] = await demo.store.list({ viewer: { principal: null, admin: true } as never, allStatus: true, limit: 1 });
    const { code, err } = await sky(['api', 'logs', latest.requestId, '--no-follow']);
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/read-only demo/);
  });

  it.each([
    [['api', 'logs'], 2, /Please provide the request ID/],
    [['api', 'logs', 'ffffffffffff'], 1, /not found/],
  ])('%j: one line, exit %i', async (argv, exit, message) => {
    const { code, err } = await sky(argv);
    expect(code).toBe(exit);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(message);
  });
});

describe('sky cost-report', () => {
  const record = (name: string, status: CostReportRecord['status'], cost: number): CostReportRecord =>
    ({
      name,
      status,
      launched_at: Date.parse(PINNED_NOW) / 1000 - 7200,
      duration: 3600,
      num_nodes: 1,
      total_cost: cost,
      resources_str: '1x AWS(m6i.large)',
    }) as CostReportRecord;
  const records = [
    record('gone-1', null, 1),
    record('gone-2', null, 2),
    record('gone-3', null, 3),
    record('gone-4', null, 4),
    record('gone-5', null, 5),
    record('live-1', 'UP', 10),
    record('live-2', 'STOPPED', 20),
  ];
  let asked: { days?: number }[] = [];
  const client = () => ({
    costReport: async (options: { days?: number } = {}) => {
      asked.push(options);
      return records;
    },
  });
  beforeEach(() => {
    asked = [];
  });
  const names = (out: string[]) => out.filter((l) => /^(live|gone)-/.test(l)).map((l) => l.split(/\s+/)[0]);

  it('shows live clusters first, the first 5, and the total of those', async () => {
    const { code, out } = await sky(['cost-report'], client);
    expect(code).toBe(0);
    expect(out[0]).toBe('Clusters (last 30 days)');
    expect(out[1].split(/\s{2,}/)).toEqual(['NAME', 'LAUNCHED', 'DURATION', 'RESOURCES', 'STATUS', 'COST/HR', 'COST (EST.)']);
    expect(names(out)).toEqual(['live-1', 'live-2', 'gone-1', 'gone-2', 'gone-3']);
    expect(out.at(-1)).toBe('Total Cost: $36.00');
    expect(asked).toEqual([{ days: 30 }]);
  });

  it.each([
    [['cost-report', '--all'], 7, '$45.00'],
    [['cost-report', '-a'], 7, '$45.00'],
  ])('%j shows every cluster and their total', async (argv, rows, total) => {
    const { out } = await sky(argv, client);
    expect(names(out)).toHaveLength(rows);
    expect(out.at(-1)).toBe(`Total Cost: ${total}`);
  });

  it.each([
    [['cost-report', '--days', '7'], { days: 7 }, 'Clusters (last 7 days)'],
    [['cost-report', '--days', '0'], {}, 'Clusters'],
  ])('%j asks for that window', async (argv, sent, title) => {
    const { out } = await sky(argv, client);
    expect(asked).toEqual([sent]);
    expect(out[0]).toBe(title);
  });

  it('prints the hourly cost (the estimate over the time up)', async () => {
    const { out } = await sky(['cost-report'], client);
    expect(out.find((l) => l.startsWith('live-1'))).toMatch(/\$ 10\.00\s+\$ 10\.00$/);
  });

  it.each([
    ['--days', '-1'],
    ['--days', 'x'],
  ])('a bad %s %s is a usage error, exit 2', async (flag, value) => {
    const { code, err } = await sky(['cost-report', flag, value], client);
    expect(code).toBe(2);
    expect(err).toHaveLength(1);
  });
});
