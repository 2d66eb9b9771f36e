/**
 * `sky launch -c x recipes:<name>` from the official CLI in a sandbox session, replayed call by call
 * as upstream's client makes them (`sky/client/cli/command.py` fetches the recipe with POST
 * /recipes/get; `sdk._launch` then calls POST /validate, POST /status and, without `-y`, POST
 * /optimize, then POST /launch), each task being the client's dump of the DAG it built: a `{name}`
 * header, then the task with the text it was loaded from as `_user_specified_yaml`.
 */
import request from 'supertest';
import { parse, stringify } from 'yaml';
import { SESSION_HEADER, startSandboxApp, type SandboxApp } from './sandboxApp';

const CLI = { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': '1.0.0.dev20260601' };
const ENV = { env_vars: { SKYPILOT_USER_ID: 'abcd1234', SKYPILOT_USER: 'visitor' } };

let s: SandboxApp;
beforeAll(async () => {
  s = await startSandboxApp();
});
afterAll(async () => s.close());

/** `dump_dag_to_yaml_str` of the chain DAG the CLI builds from `content`; `withSource: false` is an older client's (no `_user_specified_yaml`). */
function dumpedDag(content: string, withSource = true): string {
  const task = { ...(parse(content) as object), ...(withSource ? { _user_specified_yaml: content } : {}) };
  return `${stringify({ name: null })}---\n${stringify(task)}`;
}

const validate = (session: string | null, dag: string) => {
  const call = request(s.app)
    .post('/validate')
    .set(CLI)
    .send({ ...ENV, dag, request_options: null });
  return session ? call.set(SESSION_HEADER, session) : call;
};

async function recipeText(session: string, name: string): Promise<string> {
  const got = await s.inSession<{ content: string }>(session, '/recipes/get', { ...ENV, recipe_name: name });
  return got.value.content;
}

describe('sky launch -c x recipes:<name>, from the official CLI, in a session', () => {
  it.each([
    ['with the source text (API 53 clients)', true],
    ['matched by its commands (older clients)', false],
  ])('validates, optimizes and launches the recipe %s', async (_form, withSource) => {
    const id = await s.newSession();
    const dag = dumpedDag(await recipeText(id, 'llama-finetune'), withSource);
    const valid = await validate(id, dag);
    expect(valid.status).toBe(200);
    expect(valid.body).toBeNull();
    const status = await s.inSession<unknown[]>(id, '/status', { ...ENV, cluster_names: ['x'], all_users: true });
    expect(status.value).toEqual([]);
    const plan = await s.inSession<null>(id, '/optimize', { ...ENV, dag, minimize: 'COST', request_options: null });
    expect(plan.payload.status).toBe('SUCCEEDED');
    expect(plan.value).toBeNull();
    const launched = await s.inSession<{ job_id: number }>(id, '/launch', { ...ENV, task: dag, cluster_name: 'x', retry_until_up: false });
    expect(launched.payload.status).toBe('SUCCEEDED');
    expect(launched.value.job_id).toBe(1);
    const after = await s.inSession<{ name: string }[]>(id, '/status', { ...ENV, cluster_names: ['x'], all_users: true });
    expect(after.value.map((c) => c.name)).toEqual(['x']);
  });

  it.each([
    ['a task that is no recipe', dumpedDag('run: echo hi\n')],
    ['a recipe that does not exist', 'recipes:no-such-recipe'],
    ['a DAG of two tasks', `${stringify({ name: 'two' })}---\n${stringify({ run: 'a' })}---\n${stringify({ run: 'b' })}`],
  ])('refuses %s in the one line the CLI raises, naming what can be launched', async (_what, dag) => {
    const id = await s.newSession();
    const refused = await validate(id, dag);
    expect(refused.status).toBe(400);
    expect(refused.body.detail.message).toMatch(/read-only demo.*recipes:llama-finetune/);
    const plan = await s.inSession(id, '/optimize', { ...ENV, dag });
    expect(plan.payload.status).toBe('FAILED');
  });

  it('without a session, /validate answers the serialized refusal saying how to get one', async () => {
    const refused = await validate(null, 'recipes:llama-finetune');
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatchObject({ message: expect.stringMatching(/session/i) });
  });
});
