/**
 * What the official dashboard (upstream master, API 53) prints when the read-only demo refuses one
 * of its write actions, replayed as its connectors send each request and turned into text by the
 * same steps its code takes (described here in our words; the export itself is never committed):
 * - volume delete (`deleteVolume`): POST /volumes/delete, then GET /api/get; a non-ok answer becomes
 *   `Failed to delete volume with status <s>, error: <detail.error's message when s is 500, else the
 *   status text>`, and the error box (ErrorDisplay) shows only what follows the first `failed:`.
 * - the recipe actions (`apiClient.fetch`): create, update, delete and pin all fail as
 *   `Error in apiClient.fetch for <path>: Error: API request to get <path> result failed with status
 *   <s>, error: <message>`, shown as is (a form error, or a "Delete failed: "/"Pin operation failed: "
 *   toast). No answer avoids that wrapping: every failure path of apiClient.fetch adds it, and the
 *   only non-throwing path (200 from /api/get) would report success. So the best a server can do is
 *   what is checked here: the sentence, once, with nothing else of ours around it (the proof, page by
 *   page, is in docs/official-dashboard.md).
 */
import { STATUS_CODES } from 'node:http';
import request from 'supertest';
import { DEMO_READ_ONLY_MESSAGE } from '../../src/demo/demoModeError';
import { type DemoApp, startDemoApp } from '../demo/demoApp';

const P = '/internal/dashboard';
const HEADERS = { 'X-SkyPilot-API-Version': '53', 'X-SkyPilot-Version': '1.0.0-dev0', 'Content-Type': 'application/json' };
const ENV = { env_vars: { SKYPILOT_IS_FROM_DASHBOARD: 'true', SKYPILOT_USER_ID: 'local', SKYPILOT_USER: 'local' } };

let demo: DemoApp;
beforeAll(async () => {
  demo = await startDemoApp();
});
afterAll(async () => demo.close());

/** The dashboard's getErrorMessageFromResponse: detail.error's `message` on a 500, else the status text. */
function errorMessageOf(got: request.Response): string {
  if (got.status !== 500) return STATUS_CODES[got.status] ?? '';
  const error = (got.body as { detail?: { error?: string } }).detail?.error;
  if (!error) return STATUS_CODES[got.status] ?? '';
  try {
    return (JSON.parse(error) as { message?: string }).message || String(error);
  } catch {
    return String(error);
  }
}

/** The dashboard's ErrorDisplay cleaner: what follows the first `failed:`, when there is one. */
const errorBox = (message: string) => (message.includes('failed:') ? message.split('failed:')[1].trim() : message);

async function post(path: string, body: object) {
  const res = await request(demo.app)
    .post(`${P}${path}`)
    .set(HEADERS)
    .send({ ...body, ...ENV });
  const id = res.headers['x-skypilot-request-id'];
  const got = res.ok && id ? await request(demo.app).get(`${P}/api/get`).query({ request_id: id }).set(HEADERS) : null;
  return { res, id, got };
}

/** deleteVolume's message for one name. */
async function volumeDeleteMessage(purge: boolean): Promise<string | null> {
  const { res, id, got } = await post('/volumes/delete', { names: ['training-data'], purge });
  if (!res.ok) return `Failed to delete volume with status ${res.status}`;
  if (!id || !got) return 'No request ID received from server for deleting volume';
  if (!got.ok) return `Failed to delete volume with status ${got.status}, error: ${errorMessageOf(got)}`;
  return null;
}

/** apiClient.fetch's thrown message for one recipe action (null: it returned, i.e. "success"). */
async function recipeFetchMessage(path: string, body: object): Promise<string | null> {
  const { res, id, got } = await post(path, body);
  const wrap = (inner: string) => `Error in apiClient.fetch for ${path}: Error: ${inner}`;
  if (!res.ok) return wrap(`Initial API request ${path} failed with status ${res.status}`);
  if (!id || !got) return wrap(`No request ID received from server for ${path}`);
  if (!got.ok) return wrap(`API request to get ${path} result failed with status ${got.status}, error: ${errorMessageOf(got)}`);
  return null;
}

describe('the official dashboard, refused in the read-only demo', () => {
  it.each([false, true])('volume delete (purge %s): the error box shows the read-only sentence alone', async (purge) => {
    const message = await volumeDeleteMessage(purge);
    expect(message).not.toBeNull();
    expect(errorBox(message as string)).toBe(`${DEMO_READ_ONLY_MESSAGE} (POST /volumes/delete)`);
  });

  const recipeActions: [string, string, object][] = [
    ['create', '/recipes/create', { name: 'mine', content: 'run: echo hi', recipe_type: 'cluster', description: null, owner_name: null }],
    ['update', '/recipes/update', { recipe_name: 'train-llama', description: 'x', content: 'run: echo hi' }],
    ['delete', '/recipes/delete', { recipe_name: 'train-llama' }],
    ['pin', '/recipes/pin', { recipe_name: 'train-llama', pinned: true }],
    ['unpin', '/recipes/pin', { recipe_name: 'train-llama', pinned: false }],
  ];
  it.each(recipeActions)(
    'recipe %s: refused (never a false success), the sentence once inside the connector wrapping',
    async (_what, path, body) => {
      const message = await recipeFetchMessage(path, body);
      expect(message).not.toBeNull();
      const text = message as string;
      expect(
        text.startsWith(`Error in apiClient.fetch for ${path}: Error: API request to get ${path} result failed with status 500, error: `),
      ).toBe(true);
      expect(text.split(DEMO_READ_ONLY_MESSAGE)).toHaveLength(2);
      expect(text.endsWith(')')).toBe(true);
    },
  );
});
