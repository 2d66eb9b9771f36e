/**
 * After a workspace create or update in a session, the workspace's enabled infra is recomputed as
 * upstream's `sky check` would: the server's clouds less those its config disables. A new workspace
 * lists its clouds, `aws.disabled: true` removes AWS, a deleted workspace lists none; for that
 * visitor only, through both the dashboard's batch call and the CLI's single one.
 */
import { startSandboxApp, type SandboxApp } from './sandboxApp';

let s: SandboxApp;
beforeAll(async () => {
  s = await startSandboxApp();
});
afterAll(async () => s.close());

const enabled = async (id: string, workspace: string) =>
  (await s.inSession<string[]>(id, `/enabled_clouds?workspace=${workspace}&expand=false`, {}, 'get')).value;
const batch = async (id: string, workspaces: string[]) =>
  (await s.inSession<Record<string, string[]>>(id, `/enabled_clouds/batch?workspaces=${workspaces.join(',')}&expand=false`, {}, 'get'))
    .value;
const norm = (list: string[]) => list.map((c) => c.toLowerCase()).sort();

describe("a session's workspaces and their enabled infra", () => {
  it.each([
    ['a new workspace with no cloud settings lists every cloud of the server', 'create', 'new-team', {}, ['aws', 'gcp', 'kubernetes']],
    ['a new workspace disabling AWS lists the others', 'create', 'new-team', { aws: { disabled: true } }, ['gcp', 'kubernetes']],
    ['an update disabling AWS removes it', 'update', 'ml-team', { aws: { disabled: true } }, ['gcp', 'kubernetes']],
    ['an update enabling AWS again lists it', 'update', 'research-private', { aws: { disabled: false } }, ['aws', 'gcp', 'kubernetes']],
  ])('%s', async (_what, action, workspace, config, expected) => {
    const [mine, theirs] = [await s.newSession(), await s.newSession()];
    const before = await enabled(theirs, workspace);
    const done = await s.inSession(mine, `/workspaces/${action}`, { workspace_name: workspace, config });
    expect(done.payload.status).toBe('SUCCEEDED');
    expect(norm(await enabled(mine, workspace))).toEqual(expected);
    expect(norm((await batch(mine, [workspace]))[workspace] ?? [])).toEqual(expected);
    expect(await enabled(theirs, workspace)).toEqual(before);
  });

  it('a deleted workspace lists none; the untouched ones keep theirs', async () => {
    const id = await s.newSession();
    await s.inSession(id, '/workspaces/create', { workspace_name: 'tmp-team', config: {} });
    expect(norm(await enabled(id, 'tmp-team'))).toEqual(['aws', 'gcp', 'kubernetes']);
    expect((await s.inSession(id, '/workspaces/delete', { workspace_name: 'tmp-team' })).payload.status).toBe('SUCCEEDED');
    expect(await enabled(id, 'tmp-team')).toEqual([]);
    expect(norm(await enabled(id, 'research-private'))).toEqual(['gcp', 'kubernetes']);
  });
});
