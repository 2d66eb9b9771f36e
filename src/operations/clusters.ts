/**
 * Cluster operations: `/status` and the lifecycle (stop, start, down, autostop), cluster jobs (queue,
 * job status, logs), the cost report and cluster events. Business rules live here once: "down removes
 * its jobs", "autostop needs an UP cluster", "a started cluster gets addresses again". This build
 * provisions nothing itself: the lifecycle changes the recorded state, as SkyPilot's state module sees
 * it after the cloud calls succeed.
 */
import { encodeHandle, type ObjectEncoding, objectEncodingFor } from '../api/objectEncoding';
import { toClusterJobRecord, toCostReportRecord, toStatusRecord } from '../api/wireRecords';
import type { ClusterJobRecord, CostReportRecord } from '../api/wireTypes';
import { SkyPilotError, clusterDoesNotExist } from '../errors';
import { JsonText } from '../requests/executor';
import { compileNamePattern } from '../state/clusterNamePattern';
import { globalUserState } from '../state/globalUserState';
import type { ClusterRecord } from '../state/records';
import { stateQueries } from '../state/stateQueries';
import { clusterJobExitCode, isActiveClusterJob, type JobExitCode } from '../vocab/statuses';
import { tailLines } from '../http/streamText';
import type { OpContext } from './opContext';
import { cachedStatus } from './statusCache';

export async function requireCluster(name: string): Promise<ClusterRecord> {
  const record = await stateQueries.getClusterFromName(name);
  if (!record) throw clusterDoesNotExist(name);
  return record;
}

export interface StatusInput {
  cluster_names?: string[] | string | null;
  all_users?: boolean | null;
  include_credentials?: boolean | null;
  include_handle?: boolean | null;
}

async function statusRecords(input: StatusInput, ctx: OpContext, encoding: ObjectEncoding) {
  const names = typeof input.cluster_names === 'string' ? [input.cluster_names] : input.cluster_names ?? null;
  const patterns = names?.map(compileNamePattern) ?? null;
  const all = await globalUserState.getClusters({ userHashes: input.all_users === false ? [ctx.caller.identity.id] : null });
  const matching = patterns ? all.filter((c) => patterns.some((p) => p.test(c.name))) : all;
  return { matching, records: matching.map((c) => toStatusRecord(c, { includeHandle: input.include_handle ?? null, encoding })) };
}

export async function status(input: StatusInput, ctx: OpContext): Promise<unknown> {
  const encoding = objectEncodingFor(ctx.caller.clientApiVersion);
  if (input.include_credentials) {
    const { matching, records } = await statusRecords(input, ctx, encoding);
    // SSH credentials are the caller's own: other users' clusters get none.
    const keys = await globalUserState.getSshKeys(ctx.caller.identity.id);
    records.forEach((r, i) => {
      r.credentials = keys && matching[i].userHash === ctx.caller.identity.id
        ? { ssh_user: matching[i].handle.sshUser, ssh_private_key: keys.privateKey } : null;
    });
    return records;
  }
  const key = JSON.stringify([input.cluster_names ?? null, input.all_users === false ? ctx.caller.identity.id : null,
    input.include_handle ?? null, encoding]);
  return new JsonText(await cachedStatus(key, async () => JSON.stringify((await statusRecords(input, ctx, encoding)).records)));
}

export async function stop(input: { cluster_name: string }): Promise<null> {
  const record = await requireCluster(input.cluster_name);
  if (record.status !== 'STOPPED') await globalUserState.removeCluster(record.name, false);
  return null;
}

export async function down(input: { cluster_name: string }): Promise<null> {
  const record = await requireCluster(input.cluster_name);
  await globalUserState.removeCluster(record.name, true);
  await globalUserState.removeClusterJobs(record.name);
  return null;
}

/** A started cluster gets addresses again; this build assigns stable private ones from its hash. */
function addressesFor(record: ClusterRecord): [string, string][] {
  const seed = parseInt(record.clusterHash.replace(/-/g, '').slice(0, 4), 16) || 1;
  return Array.from({ length: record.handle.launchedNodes }, (_, i) =>
    [`10.${seed % 250}.${i}.${(seed >> 8) + 2}`, `192.0.2.${(seed + i) % 250 + 1}`]);
}

export interface StartInput {
  cluster_name: string;
  idle_minutes_to_autostop?: number | null;
  down?: boolean | null;
  force?: boolean | null;
}

export async function start(input: StartInput, ctx: OpContext): Promise<unknown> {
  const record = await requireCluster(input.cluster_name);
  if (record.status === 'UP' && !input.force) {
    ctx.log(`Cluster ${record.name} is already up.\n`);
  } else {
    const handle = record.handle;
    handle.stableInternalExternalIps = addressesFor(record);
    await globalUserState.addOrUpdateCluster({
      clusterName: record.name, handle, requestedResources: null, ready: true, isLaunch: true,
      command: `sky start ${record.name}`, userHash: record.userHash,
    });
    ctx.log(`Cluster ${record.name} started.\n`);
  }
  if (input.idle_minutes_to_autostop != null) {
    await globalUserState.setClusterAutostopValue(record.name, input.idle_minutes_to_autostop, input.down === true);
  }
  // The official client unpickles (or rebuilds) the handle `start` returns.
  return encodeHandle((await requireCluster(record.name)).handle, objectEncodingFor(ctx.caller.clientApiVersion));
}

export async function autostop(input: { cluster_name: string; idle_minutes: number; down?: boolean | null }): Promise<null> {
  const record = await requireCluster(input.cluster_name);
  if (record.status !== 'UP') {
    throw new SkyPilotError('ClusterNotUpError',
      `Cluster '${record.name}' is ${record.status}: autostop needs a cluster that is UP.`);
  }
  await globalUserState.setClusterAutostopValue(record.name, input.idle_minutes, input.down === true);
  return null;
}

export async function queue(input: { cluster_name: string; skip_finished?: boolean | null; all_users?: boolean | null },
  ctx: OpContext): Promise<ClusterJobRecord[]> {
  await requireCluster(input.cluster_name);
  let jobs = await globalUserState.getClusterJobs(input.cluster_name);
  if (input.all_users === false) jobs = jobs.filter((j) => j.userHash === ctx.caller.identity.id);
  if (input.skip_finished) jobs = jobs.filter((j) => isActiveClusterJob(j.status));
  return jobs.map(toClusterJobRecord);
}

export async function jobStatus(input: { cluster_name: string; job_ids?: number[] | null }): Promise<Record<string, string | null>> {
  await requireCluster(input.cluster_name);
  const jobs = await globalUserState.getClusterJobs(input.cluster_name);
  const ids = input.job_ids ?? (jobs.length ? [jobs[0].jobId] : []);
  return Object.fromEntries(ids.map((id) => [String(id), jobs.find((j) => j.jobId === id)?.status ?? null]));
}

/**
 * The log of a job on a cluster (the latest job when none is named), its last `tail` lines (all for
 * 0), and the exit code `sky logs` ends with: the job's outcome, or "not finished" for a live job.
 */
export async function jobLog(input: { cluster_name: string; job_id?: number | null; tail?: number | null }):
  Promise<{ text: string; result: JobExitCode }> {
  await requireCluster(input.cluster_name);
  const jobs = await globalUserState.getClusterJobs(input.cluster_name);
  const job = input.job_id == null ? jobs[0] : jobs.find((j) => j.jobId === input.job_id);
  const log = job ? await globalUserState.getClusterJobLog(input.cluster_name, job.jobId) : null;
  if (!job || log == null) {
    throw new SkyPilotError('JobNotFoundError',
      `Job ${input.job_id ?? '(latest)'} not found on cluster '${input.cluster_name}'.`);
  }
  return { text: tailLines(log, input.tail ?? 0), result: clusterJobExitCode(job.status) };
}

export async function costReport(input: { days?: number | null; dashboard_summary_response?: boolean | null;
  cluster_hashes?: string[] | null }, ctx: OpContext): Promise<CostReportRecord[]> {
  const encoding = objectEncodingFor(ctx.caller.clientApiVersion);
  let history = await globalUserState.getClustersFromHistory({ days: input.days ?? 30 });
  if (input.cluster_hashes) history = history.filter((h) => input.cluster_hashes!.includes(h.clusterHash));
  return history.map((h) => {
    const record = toCostReportRecord(h, encoding);
    if (input.dashboard_summary_response) delete record.usage_intervals;
    return record;
  });
}

export async function clusterEvents(input: { cluster_name?: string | null; cluster_hash?: string | null;
  event_type?: 'STATUS_CHANGE' | 'DEBUG' | null; include_timestamps?: boolean | null; limit?: number | null }): Promise<unknown[]> {
  const key = input.cluster_hash ?? input.cluster_name;
  if (!key) throw new SkyPilotError('NotSupportedError', 'cluster_name or cluster_hash is required.');
  let events = await globalUserState.getClusterEvents(key, input.event_type ?? 'STATUS_CHANGE');
  if (input.limit) events = events.slice(-input.limit);
  return events.map((e) => (input.include_timestamps
    ? { reason: e.reason, transitioned_at: e.transitionedAt, starting_status: e.startingStatus, ending_status: e.endingStatus }
    : e.reason));
}
