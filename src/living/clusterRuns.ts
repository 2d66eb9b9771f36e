/**
 * Runs of cluster-job streams (jobs submitted to a fixture cluster) and of cluster streams (a cluster
 * launched, running one job, then stopped or torn down by autostop). Statuses follow upstream's
 * machines: cluster jobs (sky/skylet/job_lib.py) PENDING -> SETTING_UP -> RUNNING -> SUCCEEDED /
 * FAILED / CANCELLED; clusters (sky/utils/status_lib.py) INIT -> UP -> STOPPED, or down (gone).
 */
import type { ClusterJobStatus, ClusterStatus } from '../vocab/statuses';
import type { ClusterJobStream, ClusterStream } from './activitySchema';
import { draw, drawBetween, drawWeighted } from './prng';
import type { LogPlan } from './runLog';
import type { Slot, Step } from './slots';

export interface ClusterJobRun {
  user: string;
  submittedAt: number;
  steps: Step<ClusterJobStatus>[];
  runStart: number;
  endAt: number;
  log: LogPlan;
}

interface JobShape {
  name: string;
  users: readonly string[];
  every: number;
  line_seconds: number;
  outcomes: ClusterJobStream['outcomes'];
  failure_reason: string;
}

function planJob(
  seed: number,
  stream: JobShape,
  keyPrefix: string,
  submittedAt: number,
  durations: { pending: number; setup: number; running: number },
  template: readonly string[],
): ClusterJobRun {
  const key = (what: string) => [keyPrefix, what] as const;
  const setupAt = submittedAt + durations.pending;
  const runStart = setupAt + durations.setup;
  const endAt = runStart + durations.running;
  const outcome = drawWeighted(seed, stream.outcomes, ...key('outcome'));
  const events = outcome === 'FAILED' ? [{ at: endAt, text: `ERROR ${stream.failure_reason}` }] : [];
  if (outcome === 'CANCELLED') events.push({ at: endAt, text: 'Job cancelled by the user.' });
  return {
    user: stream.users[Math.floor(draw(seed, ...key('user')) * stream.users.length)],
    submittedAt,
    steps: [
      { status: 'PENDING', at: submittedAt, reason: 'Submitted.' },
      { status: 'SETTING_UP', at: setupAt, reason: 'Running setup.' },
      { status: 'RUNNING', at: runStart, reason: 'Running.' },
      { status: outcome, at: endAt, reason: outcome === 'FAILED' ? stream.failure_reason : outcome },
    ],
    runStart,
    endAt,
    log: { seed, key: keyPrefix, template, lineSeconds: stream.line_seconds, running: [[runStart, endAt]], events },
  };
}

export function planClusterJobRun(seed: number, stream: ClusterJobStream, slot: Slot, template: readonly string[]): ClusterJobRun {
  const prefix = `job/${stream.cluster}/${stream.name}/${slot.inCycle}`;
  const submittedAt = slot.at + Math.floor(draw(seed, prefix, 'jitter') * Math.min(stream.every / 4, 120));
  return planJob(
    seed,
    stream,
    prefix,
    submittedAt,
    {
      pending: drawBetween(seed, stream.pending, prefix, 'pending'),
      setup: drawBetween(seed, stream.setup, prefix, 'setup'),
      running: drawBetween(seed, stream.running, prefix, 'running'),
    },
    template,
  );
}

export function longestClusterJobRun(stream: ClusterJobStream): number {
  return 120 + stream.pending[1] + stream.setup[1] + stream.running[1];
}

export interface ClusterRun {
  k: number;
  name: string;
  user: string;
  launchedAt: number;
  upAt: number;
  /** When autostop acted: the cluster stopped, or (with `down`) was torn down. */
  stopAt: number;
  steps: Step<ClusterStatus>[];
  job: ClusterJobRun;
  /** The provisioning, for its log: the same shape as a sandbox launch's. */
  provisionSeconds: number;
}

export function planClusterRun(seed: number, stream: ClusterStream, slot: Slot, template: readonly string[]): ClusterRun {
  const prefix = `cluster/${stream.name}/${slot.inCycle}`;
  const launchedAt = slot.at + Math.floor(draw(seed, prefix, 'jitter') * Math.min(stream.every / 4, 120));
  const provisionSeconds = drawBetween(seed, stream.provision, prefix, 'provision');
  const upAt = launchedAt + provisionSeconds;
  const job = planJob(
    seed,
    stream,
    `${prefix}/job`,
    upAt,
    { pending: 0, setup: 5, running: drawBetween(seed, stream.busy, prefix, 'busy') },
    template,
  );
  const stopAt = job.endAt + stream.idle_minutes * 60;
  const steps: Step<ClusterStatus>[] = [
    { status: 'INIT', at: launchedAt, reason: 'Cluster launch initiated.' },
    { status: 'UP', at: upAt, reason: 'Cluster is up.' },
  ];
  if (!stream.down)
    steps.push({ status: 'STOPPED', at: stopAt, reason: `Cluster stopped by autostop (idle for ${stream.idle_minutes} minutes).` });
  return { k: slot.k, name: `${stream.name}-${slot.k}`, user: job.user, launchedAt, upAt, stopAt, steps, job, provisionSeconds };
}

export function longestClusterRun(stream: ClusterStream): number {
  return 120 + stream.provision[1] + 5 + stream.busy[1] + stream.idle_minutes * 60;
}
