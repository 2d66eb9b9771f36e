/**
 * `inOneTransaction` (src/state/oneTransaction.ts): the state writes of a scope commit together, with
 * the request's record written once, at the end; a scope that throws or a request given up leaves
 * nothing, neither the change nor the record. Runs on SQLite and PostgreSQL.
 */
import { recordingEffects } from '../../src/db/effectScope';
import { globalUserState } from '../../src/state/globalUserState';
import { inOneTransaction } from '../../src/state/oneTransaction';
import { requestEffects } from '../../src/state/requestEffects';
import { USER_A, seedCluster } from '../helpers/fixtures';
import { useTempStateDb } from '../helpers/tempState';

useTempStateDb();

const exists = async (name: string) => (await globalUserState.getClusters({ clusterNames: [name] })).length === 1;
const jobsOf = async (name: string) => (await globalUserState.getClusterJobs(name)).length;

async function seedWithJob(name: string): Promise<void> {
  await seedCluster(name);
  await globalUserState.addClusterJob({ clusterName: name, jobName: 'j', userHash: USER_A, resources: '1x' });
}

/** Terminates `name` and removes its jobs in one scope, as `/down` does, as request `requestId`. */
function down(name: string, requestId: string, between: () => Promise<void> = async () => {}, signal = new AbortController().signal) {
  return recordingEffects({ requestId, signal }, () =>
    inOneTransaction(async () => {
      await globalUserState.removeCluster(name, true);
      await between();
      await globalUserState.removeClusterJobs(name);
    }),
  );
}

describe('inOneTransaction', () => {
  it('commits every write of the scope together, and records the request once', async () => {
    await seedWithJob('one-ok');
    await down('one-ok', 'req-one-ok');
    expect([await exists('one-ok'), await jobsOf('one-ok')]).toEqual([false, 0]);
    expect(await requestEffects.applied(['req-one-ok'])).toEqual(new Set(['req-one-ok']));
  });

  it.each([
    ['a scope that throws between its writes', 'one-throw'],
    ['a scope whose second write fails', 'one-fails'],
  ])('%s leaves nothing: not the first write, not the record', async (_what, name) => {
    await seedWithJob(name);
    const between =
      name === 'one-throw'
        ? async () => {
            throw new Error('crash between the steps');
          }
        : async () => {
            await globalUserState.removeCluster('no-such-cluster', true);
          };
    await expect(down(name, `req-${name}`, between)).rejects.toBeTruthy();
    expect([await exists(name), await jobsOf(name)]).toEqual([true, 1]);
    expect(await requestEffects.applied([`req-${name}`])).toEqual(new Set());
  });

  it('a request given up before the scope ends changes nothing', async () => {
    await seedWithJob('one-given-up');
    const abort = new AbortController();
    await expect(down('one-given-up', 'req-given-up', async () => abort.abort(), abort.signal)).rejects.toMatchObject({
      type: 'RequestCancelled',
    });
    expect([await exists('one-given-up'), await jobsOf('one-given-up')]).toEqual([true, 1]);
  });

  it('a scope that writes nothing opens no transaction; writes after it commit on their own', async () => {
    expect(await inOneTransaction(async () => 42)).toBe(42);
    await seedWithJob('one-after');
    await globalUserState.removeClusterJobs('one-after');
    expect(await jobsOf('one-after')).toBe(0);
  });
});
