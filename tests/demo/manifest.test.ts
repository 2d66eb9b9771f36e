/**
 * Fail closed: every function of every state seam has a demo fake or is a refused write, and a state
 * call that somehow has neither throws DemoModeError instead of reaching SQLite.
 */
import { SEAMS, installDemo } from '../../src/demo/installDemo';
import { buildManifest, REFUSE } from '../../src/demo/fakes';
import { DemoModeError } from '../../src/demo/demoModeError';
import { globalUserState } from '../../src/state/globalUserState';
import { stateStore } from '../../src/state/stateStore';

const notRead = () => {
  throw new Error('the world is not read while checking the manifest');
};
const manifest = buildManifest({ current: notRead, version: notRead });

describe('demo manifest', () => {
  const functionsOf = (seam: object) =>
    Object.entries(seam)
      .filter(([, v]) => typeof v === 'function')
      .map(([k]) => k);

  it.each(Object.keys(SEAMS) as (keyof typeof SEAMS)[])('covers every function of %s', (seamName) => {
    const entries = manifest[seamName] as Record<string, unknown>;
    const uncovered = functionsOf(SEAMS[seamName]).filter((fn) => !(fn in entries));
    expect(uncovered).toEqual([]);
    for (const fn of Object.keys(entries)) {
      expect(entries[fn] === REFUSE || typeof entries[fn] === 'function').toBe(true);
    }
  });

  it('installs with nothing missing, and restores the real functions', () => {
    const real = globalUserState.getClusters;
    const demo = installDemo({ log: () => {} });
    try {
      expect(demo.missing).toEqual([]);
      expect(globalUserState.getClusters).not.toBe(real);
      expect(demo.refused).toEqual(
        expect.arrayContaining(['globalUserState.addOrUpdateCluster', 'globalUserState.removeCluster', 'managedJobsState.setJobStatus']),
      );
    } finally {
      demo.restore();
    }
    expect(globalUserState.getClusters).toBe(real);
  });

  it('refuses a state function that has no fake, without opening the database', async () => {
    const seam = globalUserState as unknown as Record<string, unknown>;
    seam.forgottenWriter = async () => {
      throw new Error('the real function ran');
    };
    const logged: string[] = [];
    const demo = installDemo({ log: (line) => logged.push(line) });
    try {
      expect(demo.missing).toEqual(['globalUserState.forgottenWriter']);
      expect(logged.join('\n')).toContain('globalUserState.forgottenWriter');
      await expect((seam.forgottenWriter as () => Promise<void>)()).rejects.toBeInstanceOf(DemoModeError);
      expect(stateStore.openedTarget()).toBeNull();
    } finally {
      demo.restore();
      delete seam.forgottenWriter;
    }
  });

  it('refuses writes with DemoModeError', async () => {
    const demo = installDemo({ log: () => {} });
    try {
      await expect(globalUserState.removeCluster('lambda-k8s', true)).rejects.toMatchObject({
        type: 'DemoModeError',
        status: 403,
        code: 'demo_read_only',
      });
      await expect(globalUserState.setUserRole('x', 'admin')).rejects.toBeInstanceOf(DemoModeError);
      expect(stateStore.openedTarget()).toBeNull();
    } finally {
      demo.restore();
    }
  });
});
