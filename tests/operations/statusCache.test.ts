/**
 * The `/status` cache: answers are reused while the state version holds, never across versions or
 * across replaced state functions, and callers of different versions (sandbox sessions beside the
 * shared world) do not evict each other's entries.
 */
import sinon from 'sinon';
import { cachedStatus, snapshotStatus } from '../../src/operations/statusCache';
import { globalUserState } from '../../src/state/globalUserState';

const sandbox = sinon.createSandbox();
let version = 'a';

beforeEach(() => {
  sandbox.replace(globalUserState, 'stateVersion', async () => version);
});
afterEach(() => sandbox.restore());

describe('the /status cache', () => {
  it('computes once per version and key; versions taking turns keep their entries', async () => {
    const compute = sinon.stub().callsFake(async () => `[${version}]`);
    for (const v of ['a', 'b', 'a', 'b', 'a']) {
      version = v;
      expect((await cachedStatus('k', compute)).text).toBe(`[${v}]`);
    }
    expect(compute.callCount).toBe(2);
    version = 'c';
    expect((await cachedStatus('k', compute)).text).toBe('[c]');
    expect(compute.callCount).toBe(3);
  });

  it('never answers a replaced state function from the old one’s entries', async () => {
    version = 'z';
    const first = sinon.stub().resolves('[1]');
    expect((await cachedStatus('k2', first)).text).toBe('[1]');
    const replaced = sinon.createSandbox();
    replaced.replace(globalUserState, 'getClusters', async () => []);
    try {
      const second = sinon.stub().resolves('[2]');
      expect((await cachedStatus('k2', second)).text).toBe('[2]');
    } finally {
      replaced.restore();
    }
  });

  it('requests that miss together share one computation; the snapshot answers only what is done', async () => {
    version = 'together';
    let release: () => void = () => {};
    const compute = sinon.stub().callsFake(() => new Promise<string>((resolve) => (release = () => resolve('[shared]'))));
    const waiting = Array.from({ length: 20 }, () => cachedStatus('k4', compute));
    await new Promise((resolve) => setImmediate(resolve));
    expect(await snapshotStatus('k4')).toBeNull(); // still being computed: nothing to settle from yet
    release();
    const answers = await Promise.all(waiting);
    expect(compute.callCount).toBe(1);
    expect(new Set(answers).size).toBe(1);
    expect((await snapshotStatus('k4'))?.text).toBe('[shared]');
  });

  it('does not keep an answer computed while the version moved', async () => {
    version = 'm1';
    const compute = sinon.stub().callsFake(async () => {
      version = 'm2';
      return '[moving]';
    });
    await cachedStatus('k3', compute);
    version = 'm1';
    await cachedStatus('k3', compute);
    expect(compute.callCount).toBe(2);
  });
});
