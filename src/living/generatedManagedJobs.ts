/**
 * The generated org's managed jobs: slot s (one of `managed_jobs`) always has one run in progress,
 * run k starting at epoch + phase + k * Q_s (Q_s 2 to 12 h) and ending when run k + 1 starts; the
 * previous run is listed finished. Job id = 10^9 + k * slots + s, so an id names its run. A query
 * scans the slots' cheap heads (user, workspace, name, status: arithmetic and hashes, in slices that
 * let the event loop breathe) and builds full records only for the page it answers.
 */
import { cloudRegistry } from '../state/clouds';
import type { ManagedJob, ManagedJobQuery } from '../state/records';
import { Resources } from '../state/resources';
import { TERMINAL_MANAGED_JOB_STATUSES, type ManagedJobStatus } from '../vocab/statuses';
import { stepLog } from './generatedClusters';
import { GEN_EPOCH, type Org, SLICE, yieldToLoop } from './generatedOrg';

const ID_BASE = 1_000_000_000;
const NAMES = ['pretrain', 'sft', 'rlhf', 'eval', 'distill', 'embed', 'lora', 'sweep'];

interface Plan {
  id: number;
  s: number;
  k: number;
  submitted: number;
  starting: number;
  running: number;
  preempted: { at: number; back: number } | null;
  end: number;
  outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
}

function period(org: Org, s: number): number {
  return 7200 + Math.floor(org.draw('m-period', s) * 10) * 3600;
}

function plan(org: Org, s: number, k: number): Plan {
  const q = period(org, s);
  const submitted = GEN_EPOCH + Math.floor(org.draw('m-phase', s) * q) + k * q;
  const starting = submitted + org.between([10, 300], 'm-pend', s, k);
  const running = starting + org.between([60, 240], 'm-start', s, k);
  const end = submitted + q;
  const at = running + Math.floor((end - running) * (0.4 + 0.2 * org.draw('m-pre-at', s, k)));
  const preempted = org.draw('m-pre', s, k) < 0.3 ? { at, back: at + org.between([60, 180], 'm-rec', s, k) } : null;
  const o = org.draw('m-out', s, k);
  return {
    id: ID_BASE + k * org.spec.managed_jobs + s,
    s,
    k,
    submitted,
    starting,
    running,
    preempted,
    end,
    outcome: o < 0.8 ? 'SUCCEEDED' : o < 0.92 ? 'FAILED' : 'CANCELLED',
  };
}

function runNow(org: Org, s: number, t: number): number {
  const q = period(org, s);
  return Math.floor((t - GEN_EPOCH - Math.floor(org.draw('m-phase', s) * q)) / q);
}

function statusOf(p: Plan, t: number): ManagedJobStatus {
  if (t >= p.end) return p.outcome;
  if (p.outcome === 'CANCELLED' && t >= p.end - 10) return 'CANCELLING';
  if (t < p.starting) return 'PENDING';
  if (t < p.running) return 'STARTING';
  return p.preempted && t >= p.preempted.at && t < p.preempted.back ? 'RECOVERING' : 'RUNNING';
}

/** Slot and run of a generated job id, if it is listed at t. */
export function planOfId(org: Org, id: number, t: number): Plan | null {
  const slots = org.spec.managed_jobs;
  if (!slots || !Number.isInteger(id) || id < ID_BASE) return null;
  const s = (id - ID_BASE) % slots;
  const k = (id - ID_BASE - s) / slots;
  const now = runNow(org, s, t);
  return k === now || k === now - 1 ? plan(org, s, k) : null;
}

export function jobName(org: Org, s: number): string {
  return `${NAMES[Math.floor(org.draw('m-name', s) * NAMES.length)]}-${String(s).padStart(5, '0')}`;
}

export function managedJobRecord(org: Org, p: Plan, t: number): ManagedJob {
  const status = statusOf(p, t);
  const user = org.userOf('m', p.s);
  const where = org.placeOf('m', p.s);
  const name = jobName(org, p.s);
  const started = t >= p.starting ? p.starting : null;
  const done = TERMINAL_MANAGED_JOB_STATUSES.has(status);
  const recovered = p.preempted && t >= p.preempted.back;
  const end = done ? p.end : null;
  const downtime = p.preempted ? Math.max(0, Math.min(t, p.end, p.preempted.back) - p.preempted.at) : 0;
  return {
    jobId: p.id,
    taskId: 0,
    name,
    taskName: name,
    userHash: user.hash,
    userName: user.name,
    workspace: org.workspaceOf('m', p.s),
    entrypoint: `sky jobs launch -n ${name} train.yaml`,
    userYaml: null,
    status,
    scheduleState: done ? 'DONE' : started ? 'ALIVE' : 'WAITING',
    submittedAt: p.submitted,
    startAt: started,
    endAt: end,
    lastRecoveredAt: recovered ? p.preempted!.back : (started ?? -1),
    recoveryCount: p.preempted && t >= p.preempted.at ? 1 : 0,
    jobDuration: t >= p.running ? Math.min(t, p.end) - p.running - downtime : 0,
    failureReason: status === 'FAILED' ? 'Job failed with return code 1: CUDA error: an illegal memory access' : null,
    resources: `1x[${where.gpus}]`,
    numNodes: 1,
    launchedResources: started
      ? new Resources({ cloud: cloudRegistry.fromName(where.cloud), instanceType: where.instance, region: where.region })
      : null,
    priority: 0,
    pool: null,
    currentClusterName: started && !done ? `${name}-${p.id}` : null,
  };
}

/** A generated job's log: steps while RUNNING (a preemption noted), the outcome once ended. */
export function managedJobLog(org: Org, id: number, t: number): string | null {
  const p = planOfId(org, id, t);
  if (!p) return null;
  const to = Math.min(t, p.end);
  if (!p.preempted || to < p.preempted.at) return stepLog(p.running, to, t >= p.end ? (p.outcome === 'SUCCEEDED' ? 0 : 1) : null);
  const before = stepLog(p.running, p.preempted.at, null);
  const note = `W The job cluster ${jobName(org, p.s)}-${p.id} was preempted. Recovering (attempt 1)...\n`;
  return (
    before + note + (to >= p.preempted.back ? stepLog(p.preempted.back, to, t >= p.end ? (p.outcome === 'SUCCEEDED' ? 0 : 1) : null) : '')
  );
}

export interface Head {
  plan: Plan;
  status: ManagedJobStatus;
  name: string;
  userHash: string;
  userName: string;
  workspace: string;
}

/** Per slot, what does not move with t: its name, user, workspace, and its last two runs' plans. */
interface Slot {
  base: Omit<Head, 'plan' | 'status'>;
  k: number;
  runs: [Plan, Plan];
}
const slotTables = new WeakMap<Org, Slot[]>();

/** Every listed job's head at t (two per slot), newest id first; a slot's plans are redrawn only when its run changes. */
export async function headsAt(org: Org, t: number): Promise<Head[]> {
  const slots = slotTables.get(org) ?? [];
  slotTables.set(org, slots);
  const heads: Head[] = [];
  for (let s = 0; s < org.spec.managed_jobs; s++) {
    if (s % SLICE === SLICE - 1) await yieldToLoop();
    const k = runNow(org, s, t);
    let slot = slots[s];
    if (!slot) {
      const user = org.userOf('m', s);
      const base = { name: jobName(org, s), userHash: user.hash, userName: user.name, workspace: org.workspaceOf('m', s) };
      slot = slots[s] = { base, k: Number.NaN, runs: [] as unknown as [Plan, Plan] };
    }
    if (slot.k !== k) {
      slot.k = k;
      slot.runs = [plan(org, s, k), plan(org, s, k - 1)];
    }
    for (const p of slot.runs) heads.push({ plan: p, status: statusOf(p, t), ...slot.base });
  }
  await yieldToLoop();
  return heads.sort((a, b) => b.plan.id - a.plan.id);
}

const has = (text: string, needle: string | null | undefined) => !needle || text.toLowerCase().includes(needle.toLowerCase());

/** The heads a query keeps before its name/user/workspace/status filters ("no filter"). */
export function visible(h: Head, q: ManagedJobQuery): boolean {
  return (
    (!q.userHashes || q.userHashes.includes(h.userHash)) &&
    (!q.workspaces || q.workspaces.includes(h.workspace)) &&
    (!q.jobIds || q.jobIds.includes(h.plan.id)) &&
    (!q.skipFinished || !TERMINAL_MANAGED_JOB_STATUSES.has(h.status))
  );
}

export function matching(h: Head, q: ManagedJobQuery): boolean {
  return has(h.name, q.nameMatch) && (has(h.userName, q.userMatch) || has(h.userHash, q.userMatch)) && has(h.workspace, q.workspaceMatch);
}
