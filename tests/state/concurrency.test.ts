/**
 * Many concurrent state writes, and a second SQLite connection (in a worker thread, so its writes
 * really overlap) writing to the same WAL file at the same time: no errors, no lost rows.
 */
import Database from 'better-sqlite3';
import { Worker } from 'node:worker_threads';
import { stateQueries } from '../../src/state/stateQueries';
import { globalUserState } from '../../src/state/globalUserState';
import { makeHandle } from '../helpers/fixtures';
import { useTempStateDb } from '../helpers/tempState';

const state = useTempStateDb();

const N = 200;
const WORKER_ROWS = 400;

/** Plain JS: runs in a worker thread with its own better-sqlite3 connection. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.dbPath);
db.pragma('busy_timeout = 10000');
const insert = db.prepare('INSERT INTO config (key, value) VALUES (?, ?)');
const one = db.transaction((i) => insert.run('worker_' + i, JSON.stringify(i)));
parentPort.postMessage('ready');
for (let i = 0; i < workerData.rows; i++) one.immediate(i);
db.close();
parentPort.postMessage('done');
`;

/** Resolves `ready` once the worker's connection is open, `done` when all its rows are written. */
function runWriter(dbPath: string): { ready: Promise<void>; done: Promise<void> } {
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const done = new Promise<void>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { dbPath, rows: WORKER_ROWS, sqlite: require.resolve('better-sqlite3') },
    });
    worker.on('message', (m) => (m === 'ready' ? onReady() : resolve()));
    worker.once('error', (e) => {
      onReady();
      reject(e);
    });
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited with ${code}`))));
  });
  return { ready, done };
}

describe('concurrent writes', () => {
  it(`${N} concurrent cluster writes plus a second connection lose nothing`, async () => {
    const writer = runWriter(state.dbPath);
    await writer.ready; // the worker starts writing now, while this thread writes too
    const names = Array.from({ length: N }, (_, i) => `c-${String(i).padStart(3, '0')}`);
    await Promise.all(
      names.map((name) =>
        globalUserState.addOrUpdateCluster({
          clusterName: name,
          handle: makeHandle(name),
          requestedResources: null,
          ready: true,
          userHash: 'aaaa0001',
        }),
      ),
    );
    await Promise.all([
      ...names.map((name, i) => globalUserState.setClusterAutostopValue(name, i, i % 2 === 0)),
      ...names.map((name, i) => globalUserState.addClusterEvent(name, 'UP', `probe ${i}`, 'DEBUG')),
    ]);
    await writer.done;

    const clusters = await globalUserState.getClusters();
    expect(clusters).toHaveLength(N);
    const byName = new Map(clusters.map((c) => [c.name, c]));
    names.forEach((name, i) => {
      expect(byName.get(name)).toMatchObject({ status: 'UP', autostop: i, toDown: i % 2 === 0 });
    });
    for (const name of [names[0], names[N - 1]]) {
      const debug = await globalUserState.getClusterEvents(name, 'DEBUG');
      expect(debug.map((e) => e.reason)).toEqual([`probe ${names.indexOf(name)}`]);
    }

    const check = new Database(state.dbPath, { readonly: true });
    try {
      expect(check.prepare("SELECT COUNT(*) AS n FROM cluster_events WHERE type = 'DEBUG'").get()).toEqual({ n: N });
      expect(check.prepare("SELECT COUNT(*) AS n FROM cluster_events WHERE type = 'STATUS_CHANGE'").get()).toEqual({ n: N });
      expect(check.prepare('SELECT COUNT(*) AS n FROM cluster_history').get()).toEqual({ n: N });
      expect(check.prepare("SELECT COUNT(*) AS n FROM config WHERE key LIKE 'worker_%'").get()).toEqual({ n: WORKER_ROWS });
    } finally {
      check.close();
    }
  });

  it('interleaved writes from both connections in one process see each other', async () => {
    const other = new Database(state.dbPath);
    other.pragma('busy_timeout = 5000');
    try {
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          other.prepare('INSERT INTO config (key, value) VALUES (?, ?)').run(`other_${i}`, '1');
          await globalUserState.setClusterAutostopValue('c-000', 1000 + i, false);
        }),
      );
      expect((await stateQueries.getClusterFromName('c-000'))!.autostop).toBe(1049);
      expect(other.prepare("SELECT COUNT(*) AS n FROM config WHERE key LIKE 'other_%'").get()).toEqual({ n: 50 });
    } finally {
      other.close();
    }
  });
});
