/**
 * `npm run seed:scale -- --db-path FILE | --postgres URI [--clusters N] [--history N] [--events N]
 * [--jobs-active N] [--jobs-finished N] [--seed N] [--now EPOCH_SECONDS]`
 *
 * Writes upstream SkyPilot's production scale (its nightly scale test: 1,500 active clusters,
 * 220,000 history clusters, 290,000 cluster events, 12,500 in-progress managed jobs; plus 37,500
 * finished ones so a 50,000-job fetch compares) into a state store, through the project's own
 * database layer (the state store's migrations and kysely tables), in batched inserts inside write
 * transactions. Deterministic: the same options give the same rows (a seeded PRNG; `--now` pins time).
 */
import { parseArgs } from 'node:util';
import { CloudVmRayResourceHandle } from '../src/state/cloudVmRayResourceHandle';
import { AWS, type Cloud, GCP, Kubernetes } from '../src/state/clouds';
import type { DbTarget } from '../src/db/dbTarget';
import { globalUserState } from '../src/state/globalUserState';
import { historyTimes } from '../src/state/historyColumns';
import type { UsageInterval } from '../src/state/records';
import { Resources } from '../src/state/resources';
import { stateStore } from '../src/state/stateStore';
import type { StateSchema } from '../src/state/stateSchema';
import { type Insertable, type Kysely, sql } from 'kysely';

export interface ScaleSizes {
  clusters: number;
  history: number;
  events: number;
  jobsActive: number;
  jobsFinished: number;
}

export const UPSTREAM_SCALE: ScaleSizes = { clusters: 1_500, history: 220_000, events: 290_000, jobsActive: 12_500, jobsFinished: 37_500 };

const DAY = 86_400;
/** Rows per INSERT: under SQLite's 32,766 bound parameters for the widest table (24 columns). */
const BATCH_ROWS = 1_000;
const USERS = 20;
const WORKSPACES = ['default', 'ml', 'research', 'prod'];

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SHAPES: [() => Cloud, string, string][] = [
  [() => new AWS(), 'm6i.2xlarge', 'us-east-1'],
  [() => new AWS(), 'g5.xlarge', 'us-west-2'],
  [() => new GCP(), 'a2-highgpu-8g', 'us-central1'],
  [() => new Kubernetes(), '4CPU--16GB', 'kind-ctx'],
];

function handleJson(name: string, shape: number, nodes: number): { handle: string; resources: string } {
  const [cloud, instanceType, region] = SHAPES[shape];
  const launchedResources = new Resources({ cloud: cloud(), instanceType, region });
  const handle = new CloudVmRayResourceHandle({
    clusterName: name,
    clusterNameOnCloud: `${name}-2ea4`,
    clusterYaml: `~/.sky/generated/${name}.yml`,
    launchedNodes: nodes,
    launchedResources,
    stableInternalExternalIps: Array.from({ length: nodes }, (_, i): [string, string] => [`10.0.0.${i + 1}`, `198.51.100.${i + 1}`]),
    stableSshPorts: Array.from({ length: nodes }, () => 22),
    sshUser: 'ubuntu',
  });
  return { handle: JSON.stringify(handle), resources: JSON.stringify(launchedResources) };
}

const hex = (n: number, width = 8) => n.toString(16).padStart(width, '0');

async function insertBatched<T extends keyof StateSchema>(
  db: { writeTransaction<R>(fn: (trx: Kysely<StateSchema>) => Promise<R>): Promise<R> },
  table: T,
  count: number,
  row: (i: number) => Insertable<StateSchema[T]>,
): Promise<void> {
  for (let start = 0; start < count; start += BATCH_ROWS * 10) {
    // Ten statements per transaction: a writer never holds the file for long.
    await db.writeTransaction(async (trx) => {
      for (let s = start; s < Math.min(count, start + BATCH_ROWS * 10); s += BATCH_ROWS) {
        const rows = Array.from({ length: Math.min(BATCH_ROWS, count - s) }, (_, k) => row(s + k));
        await trx
          .insertInto(table)
          .values(rows as any)
          .execute();
      }
    });
  }
}

export async function seedScale(target: DbTarget, sizes: ScaleSizes, seed = 1, now = Math.floor(Date.now() / 1000)): Promise<void> {
  await globalUserState.init({ target });
  const db = await stateStore.db();
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const users = Array.from({ length: USERS }, (_, i) => hex(0xa0000000 + i));
  for (const [i, id] of users.entries()) await globalUserState.addOrUpdateUser({ id, name: `user${i}` });
  const shapes = Array.from({ length: SHAPES.length }, (_, s) => [1, 2, 4].map((n) => handleJson('template', s, n)));
  // History clusters: the first `clusters` are the live ones (an open interval); the rest ended
  // within the last year, spread evenly, as the cost report's `days` windows will see them.
  const history = Array.from({ length: Math.max(sizes.history, sizes.clusters) }, (_, i) => {
    const live = i < sizes.clusters;
    const start = now - Math.floor(random() * 365 * DAY);
    const end = live ? null : Math.min(now, start + Math.floor(random() * 3 * DAY) + 600);
    return {
      hash: `${hex(i)}-0000-4000-8000-${hex(seed, 12)}`,
      name: live ? `cluster-${i}` : `old-${i}`,
      shape: Math.floor(random() * SHAPES.length),
      nodes: [0, 0, 1, 2][Math.floor(random() * 4)],
      user: pick(users),
      workspace: pick(WORKSPACES),
      intervals: [[start, end]] as UsageInterval[],
    };
  });
  // Event i belongs to history row i % history.length, step i / history.length (below): the
  // reason of a row's last step is what the state keeps as its `last_event`.
  const eventReason = (step: number) => (step === 0 ? 'Cluster launch initiated.' : 'Cluster is up.');
  const lastEventReason = (i: number) => (i < sizes.events ? eventReason(Math.floor((sizes.events - 1 - i) / history.length)) : null);
  await insertBatched(db, 'cluster_history', history.length, (i) => {
    const h = history[i];
    return {
      cluster_hash: h.hash,
      name: h.name,
      num_nodes: [1, 2, 4][h.nodes],
      requested_resources: null,
      launched_resources: shapes[h.shape][h.nodes].resources,
      usage_intervals: JSON.stringify(h.intervals),
      ...historyTimes(h.intervals),
      user_hash: h.user,
      last_creation_yaml: null,
      last_creation_command: `sky launch -c ${h.name}`,
      workspace: h.workspace,
      provision_log_path: null,
      last_event: lastEventReason(i),
    };
  });
  await insertBatched(db, 'clusters', sizes.clusters, (i) => {
    const h = history[i];
    return {
      name: h.name,
      launched_at: h.intervals[0][0],
      handle: shapes[h.shape][h.nodes].handle.replaceAll('template', h.name),
      last_use: `sky launch -c ${h.name}`,
      status: random() < 0.9 ? 'UP' : 'STOPPED',
      autostop: -1,
      to_down: 0,
      metadata: '{}',
      owner: null,
      cluster_hash: h.hash,
      storage_mounts_metadata: null,
      cluster_ever_up: 1,
      status_updated_at: h.intervals[0][0],
      config_hash: null,
      user_hash: h.user,
      workspace: h.workspace,
      last_creation_yaml: null,
      last_creation_command: `sky launch -c ${h.name}`,
      is_managed: 0,
      provision_log_path: null,
    };
  });
  // Events: the live clusters first (several each), the rest one per history cluster.
  const STATUSES = ['INIT', 'UP', 'STOPPED'];
  await insertBatched(db, 'cluster_events', sizes.events, (i) => {
    const h = history[i % history.length];
    const step = Math.floor(i / history.length);
    return {
      cluster_hash: h.hash,
      name: h.name,
      starting_status: step === 0 ? null : STATUSES[(step - 1) % 3],
      ending_status: STATUSES[step % 3],
      reason: eventReason(step),
      transitioned_at: h.intervals[0][0] + step * 60,
      type: 'STATUS_CHANGE',
      seq: (h.intervals[0][0] + step * 60) * 1_000_000 + i,
    };
  });
  const ACTIVE = ['PENDING', 'STARTING', 'RUNNING', 'RECOVERING'];
  const PIPELINE = ['train', 'eval'];
  const PIPELINE_EVERY = 50;
  const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
  const jobs = sizes.jobsActive + sizes.jobsFinished;
  const specs = Array.from({ length: jobs }, (_, i) => {
    // Older ids finished; the newest are in progress.
    const active = i >= sizes.jobsFinished;
    const status = active ? pick(ACTIVE) : pick(FINISHED);
    const shape = Math.floor(random() * SHAPES.length);
    return { active, status, shape, user: pick(users), workspace: pick(WORKSPACES), submitted: now - (jobs - i) * 60 };
  });
  await insertBatched(db, 'managed_jobs', jobs, (i) => {
    const { active, status, user, workspace } = specs[i];
    return {
      job_id: i + 1,
      name: `job-${i + 1}`,
      user_hash: user,
      workspace,
      entrypoint: 'python train.py',
      user_yaml: null,
      schedule_state: active ? (status === 'PENDING' ? 'WAITING' : 'ALIVE') : 'DONE',
      priority: 0,
      pool: null,
      current_cluster_name: active && status !== 'PENDING' ? `job-${i + 1}-cluster` : null,
      log: '',
    };
  });
  // Every 50th job is a two-task pipeline (train, then eval): its first task succeeded, so the job's
  // status is its second task's. The rest have one task, as most jobs do.
  const tasks = specs.flatMap((spec, i) =>
    (i + 1) % PIPELINE_EVERY
      ? [{ ...spec, i, taskId: 0, name: `job-${i + 1}` }]
      : PIPELINE.map((name, taskId) => ({ ...spec, i, taskId, name })),
  );
  await insertBatched(db, 'managed_job_tasks', tasks.length, (k) => {
    const { active, shape, submitted, i, taskId, name } = tasks[k];
    const status = taskId < PIPELINE.length - 1 && tasks[k + 1]?.i === i ? 'SUCCEEDED' : tasks[k].status;
    const started = status !== 'PENDING';
    return {
      job_id: i + 1,
      task_id: taskId,
      task_name: name,
      status,
      submitted_at: submitted,
      start_at: started ? submitted + 30 : null,
      end_at: status === 'SUCCEEDED' || !active ? submitted + 3_000 : null,
      last_recovered_at: started ? submitted + 30 : -1,
      recovery_count: status === 'RECOVERING' ? 1 : 0,
      job_duration: !active || status === 'SUCCEEDED' ? 2_970 : 0,
      failure_reason: status === 'FAILED' ? 'Job exited with code 1.' : null,
      resources: SHAPES[shape][1],
      num_nodes: 1,
      launched_resources: status === 'PENDING' ? null : shapes[shape][0].resources,
    };
  });
  if (db.kind === 'postgres') {
    // Ids were given explicitly: the next job the server adds must come after them.
    await sql`select setval(pg_get_serial_sequence('managed_jobs', 'job_id'), (select coalesce(max(job_id), 1) from managed_jobs))`.execute(
      db.kysely,
    );
    // Statistics, as a database that has lived with these rows has them (autovacuum would gather
    // them within minutes): without them the planner guesses, and the first calls measure the guess.
    await sql`analyze`.execute(db.kysely);
  }
  await globalUserState.close();
}

function count(text: string | undefined, fallback: number, flag: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`seed:scale: --${flag} must be a whole number, got '${text}'`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        'db-path': { type: 'string' },
        postgres: { type: 'string' },
        clusters: { type: 'string' },
        history: { type: 'string' },
        events: { type: 'string' },
        'jobs-active': { type: 'string' },
        'jobs-finished': { type: 'string' },
        seed: { type: 'string' },
        now: { type: 'string' },
      },
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    console.error(`seed:scale: ${(error as Error).message}`);
    process.exit(2);
  }
  if (!values['db-path'] === !values.postgres) {
    console.error('seed:scale: give exactly one of --db-path FILE or --postgres postgresql://...');
    process.exit(2);
  }
  const sizes: ScaleSizes = {
    clusters: count(values.clusters, UPSTREAM_SCALE.clusters, 'clusters'),
    history: count(values.history, UPSTREAM_SCALE.history, 'history'),
    events: count(values.events, UPSTREAM_SCALE.events, 'events'),
    jobsActive: count(values['jobs-active'], UPSTREAM_SCALE.jobsActive, 'jobs-active'),
    jobsFinished: count(values['jobs-finished'], UPSTREAM_SCALE.jobsFinished, 'jobs-finished'),
  };
  const target: DbTarget = values.postgres
    ? { kind: 'postgres', uri: values.postgres }
    : { kind: 'sqlite', path: values['db-path']!, createDir: true };
  const started = performance.now();
  try {
    await seedScale(target, sizes, count(values.seed, 1, 'seed'), count(values.now, Math.floor(Date.now() / 1000), 'now'));
  } catch (error) {
    console.error(`seed:scale: ${(error as Error).message}`);
    process.exit(1);
  }
  console.log(`seeded ${JSON.stringify(sizes)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (require.main === module) void main();
