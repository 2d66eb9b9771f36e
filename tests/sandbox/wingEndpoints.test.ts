/**
 * The sessions wing adds no endpoint the nightly does not know: besides its own `/demo/...` paths,
 * every endpoint it mounts takes the place of one of upstream's endpoints that the nightly's table
 * already answers as unsupported (today `/launch`), under the same request name, and is mounted
 * before that answer. So a session's `/launch` is the nightly's `/launch` implemented, not a second
 * system's path, and the nightly keeps answering it (a failed request) without the wing.
 */
import { ALL_ENDPOINTS } from '../../src/routes/endpoints';
import { unsupportedAt } from '../../src/routes/unsupportedRoutes';
import { type SandboxApp, startSandboxApp } from './sandboxApp';

let s: SandboxApp;
beforeAll(async () => {
  s = await startSandboxApp();
});
afterAll(() => s.close());

describe("the sessions wing's endpoints", () => {
  it('are its own /demo paths, or take the place of an upstream endpoint the nightly answers as unsupported', () => {
    const endpoints = s.demo.sessions!.endpoints;
    expect(endpoints.filter((e) => !e.path.startsWith('/demo/')).map((e) => `${e.method} ${e.path}`)).toEqual([
      'POST /validate',
      'POST /optimize',
      'POST /launch',
    ]);
    for (const endpoint of endpoints) {
      if (endpoint.path.startsWith('/demo/')) continue;
      const upstream = unsupportedAt(endpoint);
      expect({ path: endpoint.path, declaredByTheNightly: upstream !== undefined }).toEqual({
        path: endpoint.path,
        declaredByTheNightly: true,
      });
      // A scheduled one records upstream's request name; /validate is direct, as upstream's is.
      if ('scheduled' in endpoint) expect(endpoint.scheduled.name).toBe(upstream!.name);
      else expect(upstream!.answer).toBe('validate');
      // Not one of the nightly's own implemented endpoints, which it would shadow.
      expect(ALL_ENDPOINTS.some((e) => e.method === endpoint.method && e.path === endpoint.path)).toBe(false);
    }
  });

  it("answer in a session, where the nightly's table would answer NotSupportedError", async () => {
    const id = await s.newSession();
    const launched = await s.inSession<{ job_id: number }>(id, '/launch', { task: 'recipes:llama-finetune', cluster_name: 'mine' });
    expect(launched.status).toBe(200);
    expect(launched.value.job_id).toBe(1);
  });
});
