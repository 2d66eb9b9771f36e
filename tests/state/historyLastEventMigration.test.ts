/**
 * Migration 10 (history rows keep their latest status-change reason) loses nothing, on SQLite and
 * PostgreSQL: a store at version 9 with history rows and events opens at the newest version with
 * every row as it was and `last_event` the latest STATUS_CHANGE reason (by time, then `seq`; a newer
 * DEBUG event does not count); every later event write keeps it in step.
 */
import { globalUserState } from '../../src/state/globalUserState';
import { seedCluster, USER_A } from '../helpers/fixtures';
import { writeOldState } from '../helpers/oldStateStore';
import { makeTempDir, removeDir } from '../helpers/tempState';
import { createTestDatabase, type TestDatabase } from '../helpers/testBackend';

const NOW = Math.floor(Date.now() / 1000);

const HISTORY = ['two-in-a-second', 'debug-last', 'no-events', 'by-time'].map((name, i) => ({
  cluster_hash: `hash-${name}`,
  name,
  num_nodes: i + 1,
  requested_resources: null,
  launched_resources: '{"cloud":"AWS","instance_type":"m6i.2xlarge","region":"us-east-1"}',
  usage_intervals: JSON.stringify([[NOW - 1000 * (i + 1), null]]),
  user_hash: USER_A,
  last_creation_yaml: `name: ${name}\n`,
  last_creation_command: `sky launch -c ${name}`,
  workspace: 'default',
  provision_log_path: null,
  launched_at: NOW - 1000 * (i + 1),
  active_until: 1e15,
}));

/** [hash, reason, transitioned_at, seq, type]: out of order on purpose. */
const EVENTS: [string, string, number, number, string][] = [
  ['hash-two-in-a-second', 'second of the second', 500, 2, 'STATUS_CHANGE'],
  ['hash-two-in-a-second', 'first of the second', 500, 1, 'STATUS_CHANGE'],
  ['hash-two-in-a-second', 'earlier', 400, 9, 'STATUS_CHANGE'],
  ['hash-debug-last', 'Cluster is up.', 100, 1, 'STATUS_CHANGE'],
  ['hash-debug-last', 'a debug note', 900, 2, 'DEBUG'],
  ['hash-by-time', 'latest', 300, 1, 'STATUS_CHANGE'],
  ['hash-by-time', 'older but higher seq', 200, 99, 'STATUS_CHANGE'],
];

const EXPECTED: Record<string, string | null> = {
  'two-in-a-second': 'second of the second',
  'debug-last': 'Cluster is up.',
  'no-events': null,
  'by-time': 'latest',
};

let dir: string;
let database: TestDatabase;
beforeAll(async () => {
  dir = makeTempDir('skyts-lastevent-');
  database = await createTestDatabase(dir, 'v9.db');
  await writeOldState(database, 10, async (db) => {
    for (const row of HISTORY) await db.insertInto('cluster_history').values(row).execute();
    for (const [cluster_hash, reason, transitioned_at, seq, type] of EVENTS) {
      const name = cluster_hash.slice('hash-'.length);
      await db
        .insertInto('cluster_events')
        .values({ cluster_hash, name, starting_status: null, ending_status: 'UP', reason, transitioned_at, type, seq })
        .execute();
    }
  });
  await globalUserState.init({ target: database.target });
});
afterAll(async () => {
  await globalUserState.close();
  await database?.drop();
  removeDir(dir);
});

describe('migration 10: history rows keep their latest status-change reason', () => {
  it('keeps every history row as it was and backfills last_event from the events', async () => {
    const rows = await globalUserState.getClustersFromHistory({});
    expect(rows.map((r) => r.name).sort()).toEqual(HISTORY.map((h) => h.name).sort());
    for (const old of HISTORY) {
      const row = rows.find((r) => r.name === old.name)!;
      expect(row).toMatchObject({
        clusterHash: old.cluster_hash,
        numNodes: old.num_nodes,
        launchedAt: old.launched_at,
        usageIntervals: JSON.parse(old.usage_intervals),
        userHash: old.user_hash,
        workspace: old.workspace,
        lastCreationYaml: old.last_creation_yaml,
        lastCreationCommand: old.last_creation_command,
        requestedResources: null,
        lastEvent: EXPECTED[old.name],
      });
      expect(row.launchedResources.readable(1)).toBe('1x AWS(m6i.2xlarge)');
    }
    // The events themselves are untouched.
    expect((await globalUserState.getClusterEvents('two-in-a-second')).map((e) => e.reason)).toEqual([
      'earlier',
      'first of the second',
      'second of the second',
    ]);
  });

  it('every later status change moves last_event; a DEBUG event does not', async () => {
    const lastEvent = async (name: string) => (await globalUserState.getClustersFromHistory({ clusterNames: [name] }))[0]?.lastEvent;
    await globalUserState.addClusterEvent('ignored', 'STOPPED', 'Stopped by hand.', 'STATUS_CHANGE', 'hash-by-time');
    expect(await lastEvent('by-time')).toBe('Stopped by hand.');
    await globalUserState.addClusterEvent('ignored', null, 'noise', 'DEBUG', 'hash-by-time');
    expect(await lastEvent('by-time')).toBe('Stopped by hand.');
    // A launch writes the history row, then its event; a status change and a stop follow.
    await seedCluster('fresh', { ready: false });
    expect(await lastEvent('fresh')).toBe('Cluster launch initiated.');
    await globalUserState.setClusterStatus('fresh', 'UP');
    expect(await lastEvent('fresh')).toBe('Status set to UP.');
    await globalUserState.removeCluster('fresh', false);
    const events = await globalUserState.getClusterEvents('fresh');
    expect(await lastEvent('fresh')).toBe(events[events.length - 1].reason);
  });
});
