/**
 * The generated org's clusters, their jobs and events, and the terminated clusters of the cost
 * report, each a pure function of (seed, index, t). Cluster i relaunches every period P_i (6 to 48 h):
 * INIT for 3 minutes, UP with a job every 30 minutes until 80% of the period, then autostopped
 * (STOPPED) until its next launch. History record n is a cluster torn down at n * spacing.
 */
import { cloudRegistry } from '../state/clouds';
import type { ClusterEvent, ClusterHistoryRecord, ClusterJob, ClusterRecord } from '../state/records';
import { Resources } from '../state/resources';
import type { ClusterStatus } from '../vocab/statuses';
import { clusterRecord, hashOf } from './clusterRecord';
import { GEN_EPOCH, type Org, type Place, quickUuid } from './generatedOrg';

const PROVISION = 180;
const JOB_EVERY = 1800;
const LINE_SECONDS = 5;
const MAX_LOG_LINES = 1000;
const JOBS_LISTED = 20;

export const clusterName = (i: number) => `gen-${String(i).padStart(5, '0')}`;

/** Cluster index of a generated cluster name, or null. */
export function clusterIndex(org: Org, name: string): number | null {
  const m = /^gen-(\d{5,})$/.exec(name);
  const i = m ? Number(m[1]) : -1;
  return i >= 0 && i < org.spec.clusters && clusterName(i) === name ? i : null;
}

interface Run {
  k: number;
  launch: number;
  up: number;
  stop: number;
}

function runOf(org: Org, i: number, k: number): Run {
  const period = 6 * 3600 + Math.floor(org.draw('c-period', i) * 42) * 3600;
  const launch = GEN_EPOCH + Math.floor(org.draw('c-phase', i) * period) + k * period;
  return { k, launch, up: launch + PROVISION, stop: launch + Math.floor(period * 0.8) };
}

function currentRun(org: Org, i: number, t: number): Run {
  const first = runOf(org, i, 0);
  const period = runOf(org, i, 1).launch - first.launch;
  return runOf(org, i, Math.floor((t - first.launch) / period));
}

function statusAt(run: Run, t: number): ClusterStatus {
  return t < run.up ? 'INIT' : t < run.stop ? 'UP' : 'STOPPED';
}

/** The cheap part of a cluster (for filters), before a record is built. */
export function clusterHead(org: Org, i: number) {
  const user = org.userOf('c', i);
  return { name: clusterName(i), userHash: user.hash, userName: user.name, workspace: org.workspaceOf('c', i) };
}

export function generatedCluster(org: Org, i: number, t: number, place: number): ClusterRecord {
  const run = currentRun(org, i, t);
  const status = statusAt(run, t);
  const head = clusterHead(org, i);
  const where = org.placeOf('c', i);
  const nodes = org.draw('c-nodes', i) < 0.8 ? 1 : 2 + Math.floor(org.draw('c-nodes2', i) * 7);
  return clusterRecord(
    {
      name: head.name,
      user: head.userName,
      userHash: head.userHash,
      workspace: head.workspace,
      status,
      launchedAt: run.launch,
      statusUpdatedAt: status === 'INIT' ? run.launch : status === 'UP' ? run.up : run.stop,
      lastEvent: status === 'STOPPED' ? 'Cluster stopped by autostop.' : status === 'UP' ? 'Cluster is up.' : 'Provisioning.',
      cloud: where.cloud,
      region: where.region,
      instance_type: where.instance,
      nodes,
      autostop: 30,
      yaml: null,
      command: `sky launch -c ${head.name} --gpus ${where.gpus} train.yaml`,
      provisionLogPath: null,
    },
    place,
  );
}

/** The newest `limit` status changes of cluster i up to t, oldest first (the spec's share of events). */
export function generatedEvents(org: Org, i: number, t: number, limit?: number | null): ClusterEvent[] {
  const keep = Math.min(limit || Number.POSITIVE_INFINITY, Math.max(2, Math.floor(org.spec.events / Math.max(1, org.spec.clusters))));
  const name = clusterName(i);
  const clusterHash = hashOf(name);
  const events: ClusterEvent[] = [];
  const change = (from: ClusterStatus | null, to: ClusterStatus, at: number, reason: string): ClusterEvent => ({
    clusterHash,
    name,
    startingStatus: from,
    endingStatus: to,
    reason,
    transitionedAt: at,
    type: 'STATUS_CHANGE',
  });
  for (let k = currentRun(org, i, t).k; events.length < keep; k--) {
    const run = runOf(org, i, k);
    const these = [
      change(k === 0 ? null : 'STOPPED', 'INIT', run.launch, 'Cluster launch initiated.'),
      change('INIT', 'UP', run.up, 'Cluster is up.'),
      change('UP', 'STOPPED', run.stop, 'Cluster stopped by autostop.'),
    ].filter((e) => e.transitionedAt <= t);
    events.unshift(...these);
    if (k === 0) break;
  }
  return events.slice(-keep);
}

interface JobPlan {
  id: number;
  submitted: number;
  running: number;
  end: number;
  failed: boolean;
}

/**
 * The cluster's listed jobs at t, oldest first. A job starts every 30 minutes while UP and always
 * ends (under 29 minutes) before the autostop: job j exists once up + j * JOB_EVERY <= t and
 * up + (j + 1) * JOB_EVERY <= stop. Only the last JOBS_LISTED are listed, so only those are drawn (a
 * run of days has hundreds); with `onlyId`, only that one.
 */
function jobPlans(org: Org, i: number, t: number, onlyId?: number): JobPlan[] {
  const run = currentRun(org, i, t);
  const last = Math.min(Math.floor((t - run.up) / JOB_EVERY), Math.floor((run.stop - run.up) / JOB_EVERY) - 1);
  const idOf = (j: number) => (run.k % 20_000) * 100 + j + 1;
  let first = Math.max(0, last - JOBS_LISTED + 1);
  let end = last;
  if (onlyId !== undefined) {
    const j = onlyId - idOf(0);
    if (j < first || j > last) return [];
    first = end = j;
  }
  const plans: JobPlan[] = [];
  for (let j = first; j <= end; j++) {
    const submitted = run.up + j * JOB_EVERY;
    const running = submitted + 30;
    plans.push({
      id: idOf(j),
      submitted,
      running,
      end: running + org.between([600, 1700], 'cj', i, run.k, j),
      failed: org.draw('cj-fail', i, run.k, j) < 0.12,
    });
  }
  return plans;
}

export function generatedClusterJobs(org: Org, i: number, t: number): ClusterJob[] {
  const head = clusterHead(org, i);
  return jobPlans(org, i, t)
    .map(
      (p): ClusterJob => ({
        clusterName: head.name,
        jobId: p.id,
        jobName: `eval-${p.id}`,
        userHash: head.userHash,
        userName: head.userName,
        submittedAt: p.submitted,
        startAt: t >= p.running ? p.running : null,
        endAt: t >= p.end ? p.end : null,
        resources: `1x[${org.placeOf('c', i).gpus}]`,
        status: t < p.running ? 'SETTING_UP' : t < p.end ? 'RUNNING' : p.failed ? 'FAILED' : 'SUCCEEDED',
        logPath: `~/sky_logs/${head.name}/${p.id}/run.log`,
        metadata: {},
      }),
    )
    .sort((a, b) => b.jobId - a.jobId);
}

/** A running job's log grows a line every 5 s (up to 1,000 lines); it never shrinks. */
export function generatedClusterJobLog(org: Org, i: number, jobId: number, t: number): string | null {
  const [p] = jobPlans(org, i, t, jobId);
  if (!p) return null;
  return stepLog(p.running, Math.min(t, p.end), p.end <= t ? (p.failed ? 1 : 0) : null);
}

/** Every step line there can be, written once (40 KB): a log is a prefix of it. */
let allSteps: { text: string; ends: number[] } | null = null;

function stepsText(): { text: string; ends: number[] } {
  if (allSteps) return allSteps;
  let text = '';
  const ends = [0];
  for (let s = 0; s < MAX_LOG_LINES; s++) {
    text += `(task, pid=4242) step ${s + 1} | loss ${(2.5 / Math.sqrt(s + 1)).toFixed(4)}\n`;
    ends.push(text.length);
  }
  allSteps = { text, ends };
  return allSteps;
}

/** Step lines from `from` to `to`, then the exit line once ended. */
export function stepLog(from: number, to: number, exitCode: number | null): string {
  const n = Math.min(MAX_LOG_LINES, Math.max(0, Math.floor((to - from) / LINE_SECONDS)));
  const { text, ends } = stepsText();
  const steps = text.slice(0, ends[n]);
  if (exitCode === null) return steps;
  return `${steps}${exitCode === 0 ? 'Job finished (status: SUCCEEDED).' : 'ERROR: Job failed with return code 1.'}\n`;
}

/** History record numbers kept at t, newest first is `newest` down to `oldest`. */
function historyWindow(org: Org, t: number): { spacing: number; newest: number; oldest: number } {
  const spacing = (org.spec.history_days * 86400) / Math.max(1, org.spec.history);
  const newest = Math.floor((t - GEN_EPOCH) / spacing);
  return { spacing, newest, oldest: newest - org.spec.history + 1 };
}

export const historyName = (n: number) => `gen-h${n}`;

/** Record numbers of the torn-down clusters that ended at or after `cutoff` (all kept: null). */
export function historyNumbers(org: Org, t: number, cutoff: number | null): { from: number; to: number } {
  const w = historyWindow(org, t);
  if (!org.spec.history) return { from: 0, to: -1 };
  const from = cutoff === null ? w.oldest : Math.max(w.oldest, Math.ceil((cutoff - GEN_EPOCH) / w.spacing));
  return { from, to: w.newest };
}

export function historyNumberOf(org: Org, t: number, name: string): number | null {
  const m = /^gen-h(\d+)$/.exec(name);
  const w = historyWindow(org, t);
  const n = m ? Number(m[1]) : Number.NaN;
  return n >= w.oldest && n <= w.newest ? n : null;
}

/** `resources` shares one Resources per place within an answer (they are built with a catalog check). */
export function generatedHistory(org: Org, n: number, t: number, resources = new Map<Place, Resources>()): ClusterHistoryRecord {
  const w = historyWindow(org, t);
  const end = GEN_EPOCH + Math.floor(n * w.spacing);
  const start = end - org.between([600, 3 * 86400], 'h-dur', n);
  const user = org.userOf('h', n);
  const where = org.placeOf('h', n);
  const name = historyName(n);
  return {
    clusterHash: quickUuid(org, name),
    name,
    launchedAt: start,
    durationSeconds: end - start,
    numNodes: 1 + Math.floor(org.draw('h-nodes', n) * 2),
    requestedResources: null,
    launchedResources:
      resources.get(where) ??
      resources
        .set(where, new Resources({ cloud: cloudRegistry.fromName(where.cloud), instanceType: where.instance, region: where.region }))
        .get(where)!,
    usageIntervals: [[start, end]],
    status: null,
    userHash: user.hash,
    userName: user.name,
    workspace: org.workspaceOf('h', n),
    lastCreationYaml: null,
    lastCreationCommand: `sky launch -c ${name} --gpus ${where.gpus} train.yaml`,
    lastEvent: 'Cluster terminated.',
  };
}
