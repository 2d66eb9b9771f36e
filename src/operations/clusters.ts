/**
 * Cluster operations: `/status` and the lifecycle (stop, start, down, autostop), cluster jobs (queue,
 * job status, logs), the cost report and cluster events. Business rules live here once: "down removes
 * its jobs", "autostop needs an UP cluster", "a started cluster gets addresses again". This build
 * provisions nothing itself: the lifecycle changes the recorded state, as SkyPilot's state module sees
 * it after the cloud calls succeed.
 */
import { encodeHandle, type ObjectEncoding, objectEncodingFor } from '../api/objectEncoding';
import { toClusterJobRecord, toCostReportRecord, toStatusRecord } from '../api/wireRecords';
import type { JsonText } from '../requests/executor';
import { serializeYielding } from '../requests/yieldingJson';
import { mapInSlices } from '../state/mapInSlices';
import type { ClusterJobRecord, CostReportRecord } from '../api/wireTypes';
import { NotFoundError, SkyPilotError, ValidationError, clusterDoesNotExist } from '../errors';
import { clusterJobFolder } from './logFolders';
import { compileNamePattern } from '../state/clusterNamePattern';
import { globalUserState } from '../state/globalUserState';
import { inOneTransaction } from '../state/oneTransaction';
import type { ClusterRecord } from '../state/records';
import { stateQueries } from '../state/stateQueries';
import { clientKind } from '../vocab/clientKind';
import { clusterJobExitCode, isActiveClusterJob, type JobExitCode } from '../vocab/statuses';
import { tailLines } from '../common/tailLines';
import { andThen, type MaybePromise } from '../common/maybeAsync';
import type { OpContext } from './opContext';
import { cachedStatus, snapshotStatus } from './statusCache';
import { outsideScope, type WorkspaceScope, workspaceScopeOf } from '../http/workspaceScope';
import { inScope } from '../state/workspaceAccess';

export async function requireCluster(name: string): Promise<ClusterRecord> {
  const record = await stateQueries.getClusterFromName(name);
  if (!record) throw clusterDoesNotExist(name);
  return record;
}

/**
 * A cluster whose jobs `operation` reaches: a STOPPED one is refused in upstream's words
 * (`backend_utils.check_cluster_available`), which the official CLI prints as one line. An INIT
 * cluster is served to reads (upstream refuses it too): here a launch's job is already queued while
 * the cluster provisions, and its queue and log are worth watching. A change (`onlyUp`) needs UP.
 */
export async function requireUpCluster(name: string, operation: string, onlyUp = false): Promise<ClusterRecord> {
  const record = await requireCluster(name);
  if (record.status === 'STOPPED' || (onlyUp && record.status !== 'UP')) {
    throw new SkyPilotError(
      'ClusterNotUpError',
      `${operation[0].toUpperCase()}${operation.slice(1)}: skipped for cluster '${record.name}' (status: ${record.status}). It is only allowed for UP and AUTOSTOPPING clusters.`,
    );
  }
  return record;
}

export interface StatusInput {
  cluster_names?: string[] | string | null;
  all_users?: boolean | null;
  include_credentials?: boolean | null;
  include_handle?: boolean | null;
}

async function statusRecords(input: StatusInput, ctx: OpContext, encoding: ObjectEncoding, workspaces: WorkspaceScope) {
  const names = typeof input.cluster_names === 'string' ? [input.cluster_names] : (input.cluster_names ?? null);
  const patterns = names?.map(compileNamePattern) ?? null;
  const all = await globalUserState.getClusters({ userHashes: input.all_users === false ? [ctx.caller.identity.id] : null, workspaces });
  const matching = patterns ? all.filter((c) => patterns.some((p) => p.test(c.name))) : all;
  const records = await mapInSlices(matching, (c) => toStatusRecord(c, { includeHandle: input.include_handle ?? null, encoding }));
  return { matching, records };
}

export async function status(input: StatusInput, ctx: OpContext): Promise<unknown> {
  const encoding = objectEncodingFor(ctx.caller);
  // Private workspaces the caller is not in are left out (http/workspaceScope.ts).
  const workspaces = await workspaceScopeOf(ctx.caller);
  if (input.include_credentials) {
    const { matching, records } = await statusRecords(input, ctx, encoding, workspaces);
    // SSH credentials are the caller's own: other users' clusters get none.
    const keys = await globalUserState.getSshKeys(ctx.caller.identity.id);
    records.forEach((r, i) => {
      r.credentials =
        keys && matching[i].userHash === ctx.caller.identity.id
          ? { ssh_user: matching[i].handle.sshUser, ssh_private_key: keys.privateKey }
          : null;
    });
    return records;
  }
  return cachedStatus(statusKey(input, ctx.caller, workspaces), async () =>
    serializeYielding((await statusRecords(input, ctx, encoding, workspaces)).records),
  );
}

/** Everything a cached `/status` answer depends on besides the state version. */
function statusKey(input: StatusInput, caller: OpContext['caller'], workspaces: WorkspaceScope): string {
  // Each part as JSON, joined by a character JSON never leaves unescaped: the usual all-default
  // input (every dashboard page, `sky status`) costs no serialisation.
  const json = (value: unknown) => (value == null ? 'null' : JSON.stringify(value));
  // A scope is one cached array per caller and state version (http/workspaceScope.ts): its text is too.
  if (workspaces !== lastScope.workspaces) lastScope = { workspaces, json: json(workspaces) };
  return (
    `${json(input.cluster_names)}\u0001${input.all_users === false ? json(caller.identity.id) : 'null'}\u0001` +
    `${json(input.include_handle)}\u0001${objectEncodingFor(caller)}\u0001${lastScope.json}`
  );
}

let lastScope: { workspaces: WorkspaceScope; json: string } = { workspaces: null, json: 'null' };

/**
 * `status`'s answer when this state version's is already serialised (within the demo's tick, or
 * until the next write), else null: the request is then answered in place rather than queued. Never
 * for credentials, which are computed per caller.
 */
export function statusFromSnapshot(input: StatusInput, caller: OpContext['caller']): MaybePromise<JsonText | null> {
  if (input.include_credentials) return null;
  return andThen(workspaceScopeOf(caller), (workspaces) => snapshotStatus(statusKey(input, caller, workspaces)));
}

export async function stop(input: { cluster_name: string }, ctx: OpContext): Promise<null> {
  const record = await requireCluster(input.cluster_name);
  const nodes = record.handle.launchedNodes;
  if (record.status === 'STOPPED') ctx.log(`Cluster ${record.name} is already stopped.\n`);
  else {
    ctx.log(`Stopping cluster ${record.name} (${nodes} node${nodes === 1 ? '' : 's'}); its disks are kept.\n`);
    await globalUserState.removeCluster(record.name, false);
  }
  return null;
}

export async function down(input: { cluster_name: string }, ctx: OpContext): Promise<null> {
  const record = await requireCluster(input.cluster_name);
  const nodes = record.handle.launchedNodes;
  ctx.log(`Terminating cluster ${record.name} (${nodes} node${nodes === 1 ? '' : 's'}).\n`);
  // One change: a crash never leaves the cluster gone and its jobs behind (src/state/oneTransaction.ts).
  await inOneTransaction(async () => {
    await globalUserState.removeCluster(record.name, true);
    await globalUserState.removeClusterJobs(record.name);
  });
  return null;
}

/**
 * A started (or launched) cluster gets addresses; this build assigns stable ones from its hash:
 * private, and public from a documentation range. The one formula: whoever records a start or a
 * launch (the sessions too) records what this returned, never a second computation.
 */
export function stableAddresses(clusterHash: string, nodes: number): [string, string][] {
  const seed = parseInt(clusterHash.replace(/-/g, '').slice(0, 4), 16) || 1;
  return Array.from({ length: nodes }, (_, i) => [`10.${seed % 250}.${i}.${(seed >> 8) + 2}`, `192.0.2.${((seed + i) % 250) + 1}`]);
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
    handle.stableInternalExternalIps = stableAddresses(record.clusterHash, handle.launchedNodes);
    await globalUserState.addOrUpdateCluster({
      clusterName: record.name,
      handle,
      requestedResources: null,
      ready: true,
      isLaunch: true,
      command: `sky start ${record.name}`,
      userHash: record.userHash,
    });
    // Progress only: the official CLI prints "Cluster X started." itself once the request succeeds.
    ctx.log(`Starting cluster ${record.name}...\n`);
  }
  if (input.idle_minutes_to_autostop != null) {
    await globalUserState.setClusterAutostopValue(record.name, input.idle_minutes_to_autostop, input.down === true);
  }
  // The official client unpickles (or rebuilds) the handle `start` returns.
  return encodeHandle((await requireCluster(record.name)).handle, objectEncodingFor(ctx.caller));
}

export async function autostop(input: { cluster_name: string; idle_minutes: number; down?: boolean | null }): Promise<null> {
  const record = await requireCluster(input.cluster_name);
  if (record.status !== 'UP') {
    throw new SkyPilotError('ClusterNotUpError', `Cluster '${record.name}' is ${record.status}: autostop needs a cluster that is UP.`);
  }
  await globalUserState.setClusterAutostopValue(record.name, input.idle_minutes, input.down === true);
  return null;
}

export async function queue(
  input: { cluster_name: string; skip_finished?: boolean | null; all_users?: boolean | null },
  ctx: OpContext,
): Promise<ClusterJobRecord[]> {
  // The official dashboard's cluster page asks for every cluster's queue, a stopped one's too, and
  // logs a refusal as three console errors: it gets the jobs the cluster ran, which its table shows.
  // The CLI keeps upstream's ClusterNotUpError.
  if (clientKind(ctx.caller) === 'dashboard') await requireCluster(input.cluster_name);
  else await requireUpCluster(input.cluster_name, 'getting the job queue');
  let jobs = await globalUserState.getClusterJobs(input.cluster_name);
  if (input.all_users === false) jobs = jobs.filter((j) => j.userHash === ctx.caller.identity.id);
  if (input.skip_finished) jobs = jobs.filter((j) => isActiveClusterJob(j.status));
  return jobs.map(toClusterJobRecord);
}

export async function jobStatus(input: { cluster_name: string; job_ids?: number[] | null }): Promise<Record<string, string | null>> {
  await requireUpCluster(input.cluster_name, 'getting job status');
  const jobs = await globalUserState.getClusterJobs(input.cluster_name);
  const ids = input.job_ids ?? (jobs.length ? [jobs[0].jobId] : []);
  return Object.fromEntries(ids.map((id) => [String(id), jobs.find((j) => j.jobId === id)?.status ?? null]));
}

/**
 * The log of a job on a cluster (the latest job when none is named), its last `tail` lines (all for
 * 0), and the exit code `sky logs` ends with: the job's outcome, or "not finished" for a live job.
 */
export async function jobLog(input: {
  cluster_name: string;
  job_id?: number | null;
  tail?: number | null;
  follow?: boolean | null;
}): Promise<{ text: string; result: JobExitCode; follow?: LogFollow }> {
  await requireUpCluster(input.cluster_name, 'tailing logs');
  const jobs = await globalUserState.getClusterJobs(input.cluster_name);
  const job = input.job_id == null ? jobs[0] : jobs.find((j) => j.jobId === input.job_id);
  const log = job ? await globalUserState.getClusterJobLog(input.cluster_name, job.jobId) : null;
  if (!job || log == null) {
    throw new SkyPilotError('JobNotFoundError', `Job ${input.job_id ?? '(latest)'} not found on cluster '${input.cluster_name}'.`);
  }
  const text = tailLines(log, input.tail ?? 0);
  if (!input.follow || !isActiveClusterJob(job.status)) return { text, result: clusterJobExitCode(job.status) };
  // Read again on each tick: the same job, by id, until it is no longer active.
  const poll = async () => {
    const now = (await globalUserState.getClusterJobs(input.cluster_name)).find((j) => j.jobId === job.jobId);
    const grown = (await globalUserState.getClusterJobLog(input.cluster_name, job.jobId)) ?? '';
    const status = now?.status ?? 'CANCELLED';
    return { text: grown, done: !isActiveClusterJob(status), result: clusterJobExitCode(status) };
  };
  return { text, result: clusterJobExitCode(job.status), follow: { sent: log.length, poll } };
}

/** A log the caller follows: how much of it was sent, and how to read it again (http/logFollow.ts). */
export interface LogFollow {
  sent: number;
  poll: () => Promise<{ text: string; done: boolean; result: JobExitCode }>;
}

export interface CancelInput {
  cluster_name: string;
  job_ids?: number[] | null;
  all?: boolean | null;
  all_users?: boolean | null;
}

/**
 * Cancels jobs on a cluster: the named ones, or with `all` every unfinished one (the caller's own
 * unless `all_users`), or else the latest job. Finished jobs are skipped, as upstream does; a named
 * job that does not exist is an error.
 */
export async function cancel(input: CancelInput, ctx: OpContext): Promise<number[]> {
  const cluster = await requireUpCluster(input.cluster_name, 'cancelling jobs', true);
  const jobs = await globalUserState.getClusterJobs(cluster.name);
  let targets: typeof jobs;
  if (input.job_ids?.length) {
    const missing = input.job_ids.filter((id) => !jobs.some((j) => j.jobId === id));
    if (missing.length) throw new SkyPilotError('JobNotFoundError', `No job ${missing.join(', ')} on cluster '${cluster.name}'.`);
    targets = jobs.filter((j) => input.job_ids!.includes(j.jobId));
  } else if (input.all) {
    targets = jobs.filter((j) => input.all_users || j.userHash === ctx.caller.identity.id);
  } else {
    targets = jobs.slice(0, 1);
  }
  const cancelled: number[] = [];
  for (const job of targets.filter((j) => isActiveClusterJob(j.status))) {
    await globalUserState.setClusterJobStatus(cluster.name, job.jobId, 'CANCELLED');
    cancelled.push(job.jobId);
  }
  ctx.log(
    cancelled.length
      ? `Cancelled job(s) ${cancelled.join(', ')} on ${cluster.name}.\n`
      : `No unfinished job to cancel on ${cluster.name}.\n`,
  );
  return cancelled;
}

/** At most this many ports of a range are listed: a cluster may open `30000-40000`. */
const MAX_ENDPOINTS = 100;

function expandPorts(ports: readonly string[]): number[] {
  const out: number[] = [];
  for (const spec of ports) {
    const [from, to = from] = spec.split('-').map(Number);
    for (let p = from; p <= to && out.length < MAX_ENDPOINTS; p++) out.push(p);
  }
  return out;
}

/**
 * The cluster's open ports and where each is reached (`sky status --endpoints`): `{"8000":
 * "203.0.113.10:8000"}`, on the head node's external address. Only an UP cluster has endpoints.
 */
export async function endpoints(input: { cluster: string; port?: number | string | null }): Promise<Record<string, string>> {
  const cluster = await requireCluster(input.cluster);
  const head = cluster.handle.headIp;
  if (cluster.status !== 'UP' || !head) {
    throw new SkyPilotError('ClusterNotUpError', `Cluster '${cluster.name}' is ${cluster.status}: endpoints need a cluster that is UP.`);
  }
  const wanted = input.port == null ? null : Number(input.port);
  const ports = expandPorts(cluster.handle.launchedResources.ports ?? []).filter((p) => wanted === null || p === wanted);
  return Object.fromEntries(ports.map((p) => [String(p), `${head}:${p}`]));
}

export const NO_PROVISION_LOG = 'Provision log path is not recorded for this cluster. Please relaunch to generate provisioning logs.';

/** A cluster's provisioning log, its last `tail` lines (all for 0); 404 when none is recorded. */
export async function provisionLog(input: { cluster_name: string; worker?: number | null; tail?: number | null }): Promise<string> {
  // Answered directly, not as a request: a missing cluster is a 404 the CLI prints.
  const cluster = await stateQueries.getClusterFromName(input.cluster_name);
  if (!cluster) throw new NotFoundError(`Cluster '${input.cluster_name}' does not exist.`, 'cluster_not_found');
  if (input.worker != null && (input.worker < 1 || input.worker >= cluster.handle.launchedNodes)) {
    throw new ValidationError(
      `Worker ${input.worker} does not exist: cluster '${cluster.name}' has workers 1 to ${cluster.handle.launchedNodes - 1}.`,
    );
  }
  const log = await globalUserState.getClusterProvisionLog(cluster.name);
  if (log === null) throw new NotFoundError(NO_PROVISION_LOG, 'provision_log_not_found');
  return tailLines(log, input.tail ?? 0);
}

/**
 * Where the logs of a cluster's jobs are on the server (`sky logs -s`, the dashboard's download):
 * `{"<job_id>": "<folder>"}` for the named jobs that exist, or the latest job; the client then
 * fetches the folders with `/download`.
 */
export async function downloadLogs(input: { cluster_name: string; job_ids?: string[] | null }): Promise<Record<string, string>> {
  const cluster = await requireCluster(input.cluster_name);
  const jobs = await globalUserState.getClusterJobs(cluster.name);
  const chosen = input.job_ids?.length ? jobs.filter((j) => input.job_ids!.includes(String(j.jobId))) : jobs.slice(0, 1);
  return Object.fromEntries(chosen.map((j) => [String(j.jobId), clusterJobFolder(cluster.name, j.jobId)]));
}

interface CostReportInput {
  days?: number | null;
  dashboard_summary_response?: boolean | null;
  cluster_hashes?: string[] | null;
  cluster_names?: string[] | null;
}

/**
 * Clusters' cost over the last `days` (active ones always). As upstream: `cluster_hashes` and
 * `cluster_names` keep the rows matching either (the dashboard opens a page by name or hash and sends
 * the URL's value in both), and a filtered answer is always the full record. Filtered in SQL.
 */
export async function costReport(input: CostReportInput, ctx: OpContext): Promise<CostReportRecord[]> {
  const encoding = objectEncodingFor(ctx.caller);
  const history = await globalUserState.getClustersFromHistory({
    days: input.days ?? 30,
    clusterHashes: input.cluster_hashes,
    clusterNames: input.cluster_names,
  });
  const summary = input.dashboard_summary_response && input.cluster_hashes == null && input.cluster_names == null;
  const workspaces = await workspaceScopeOf(ctx.caller);
  const visible = workspaces === null ? history : history.filter((h) => inScope(workspaces, h.workspace));
  return mapInSlices(visible, (h) => {
    const record = toCostReportRecord(h, encoding);
    if (summary) delete record.usage_intervals;
    return record;
  });
}

export async function clusterEvents(
  input: {
    cluster_name?: string | null;
    cluster_hash?: string | null;
    event_type?: 'STATUS_CHANGE' | 'DEBUG' | null;
    include_timestamps?: boolean | null;
    limit?: number | null;
  },
  ctx: OpContext,
): Promise<unknown[]> {
  const key = input.cluster_hash ?? input.cluster_name;
  if (!key) throw new SkyPilotError('NotSupportedError', 'cluster_name or cluster_hash is required.');
  // Named by hash as often as by name: the history knows either, and the workspace it ran in.
  const workspaces = await workspaceScopeOf(ctx.caller);
  if (workspaces !== null) {
    const ran = await globalUserState.getClustersFromHistory(input.cluster_hash ? { clusterHashes: [key] } : { clusterNames: [key] });
    const hidden = ran.find((h) => !inScope(workspaces, h.workspace));
    if (hidden) throw outsideScope(`Cluster '${hidden.name}'`, hidden.workspace, ctx.caller);
  }
  const events = await globalUserState.getClusterEvents(key, input.event_type ?? 'STATUS_CHANGE', input.limit);
  return events.map((e) =>
    input.include_timestamps
      ? { reason: e.reason, transitioned_at: e.transitionedAt, starting_status: e.startingStatus, ending_status: e.endingStatus }
      : e.reason,
  );
}
