/**
 * Time in the sandbox: what a session's changes look like at a given second. Nothing is scheduled:
 * a start recorded at `t` reads as INIT until `t + startSeconds` and UP after; a launched job's log
 * shows one more line every `line_seconds`. So thousands of sessions cost nothing while nobody
 * looks, and every replica derives the same answer from the same changes.
 */
import type { ClusterJobStatus, ClusterStatus } from '../vocab/statuses';

export interface Transition {
  from: ClusterStatus | null;
  to: ClusterStatus;
  reason: string;
  at: number;
}

/** A provisioning (a start, or a launch) taking `seconds`, or a stop. */
export type Step = { kind: 'provision'; why: 'start' | 'launch'; at: number; seconds: number } | { kind: 'stop'; at: number };

export interface ClusterStory {
  status: ClusterStatus;
  statusUpdatedAt: number;
  lastEvent: string;
  transitions: Transition[];
  /** The latest provisioning: its log is derived from it. */
  provisioning: Extract<Step, { kind: 'provision' }> | null;
}

const REASON = {
  launch: 'Cluster launch initiated.',
  start: 'Starting the cluster (sky start).',
  up: 'Cluster is up.',
  stop: 'Cluster stopped.',
} as const;

/** Plays `steps` (in order) over a cluster's state as of `initial`, up to `now`. */
export function replay(
  initial: { status: ClusterStatus | null; statusUpdatedAt: number; lastEvent: string },
  steps: readonly Step[],
  now: number,
): ClusterStory {
  let status = initial.status;
  let statusUpdatedAt = initial.statusUpdatedAt;
  let lastEvent = initial.lastEvent;
  let provisioning: ClusterStory['provisioning'] = null;
  const transitions: Transition[] = [];
  const move = (to: ClusterStatus, reason: string, at: number) => {
    transitions.push({ from: status, to, reason, at });
    status = to;
    statusUpdatedAt = at;
    lastEvent = reason;
  };
  steps.forEach((step, i) => {
    if (step.at > now) return;
    if (step.kind === 'stop') {
      move('STOPPED', REASON.stop, step.at);
      return;
    }
    provisioning = step;
    move('INIT', REASON[step.why], step.at);
    const upAt = step.at + step.seconds;
    const next = steps[i + 1];
    if (upAt <= now && (!next || next.at >= upAt)) move('UP', REASON.up, upAt);
  });
  return { status: status ?? 'INIT', statusUpdatedAt, lastEvent, transitions, provisioning };
}

/** When a provisioning that began at `at` came up, or null while it has not (or was interrupted). */
export function upTime(story: ClusterStory, provisioningAt: number): number | null {
  const up = story.transitions.find((t) => t.to === 'UP' && t.at > provisioningAt);
  const before = story.transitions.find((t) => t.at > provisioningAt && t.at < (up?.at ?? Infinity) && t.to === 'STOPPED');
  return up && !before ? up.at : null;
}

// The provisioning log is the living world's too (its clusters launch): one body, in living/.
export { provisionLog } from '../living/provisionLog';

export interface JobTimeline {
  status: ClusterJobStatus;
  startAt: number | null;
  endAt: number | null;
  log: string;
}

/**
 * A launched job: PENDING while its cluster provisions, RUNNING once it is up (one log line every
 * `lineSeconds`), then SUCCEEDED after the last line (when it `finishes`). Cancelled, or its cluster
 * stopped, it ends CANCELLED there.
 */
export function jobTimeline(options: {
  runsAt: number | null;
  lines: readonly string[];
  lineSeconds: number;
  finishes: boolean;
  interruptedAt: number | null;
  now: number;
}): JobTimeline {
  const { runsAt, lines, lineSeconds, finishes, interruptedAt, now } = options;
  const naturalEnd = runsAt !== null && finishes ? runsAt + lines.length * lineSeconds : null;
  const interrupted = interruptedAt !== null && interruptedAt <= now && (naturalEnd === null || interruptedAt < naturalEnd);
  const until = interrupted ? interruptedAt : now;
  const shown = runsAt === null || until < runsAt ? 0 : Math.min(lines.length, Math.floor((until - runsAt) / lineSeconds) + 1);
  const text = lines
    .slice(0, shown)
    .map((l) => `${l}\n`)
    .join('');
  if (interrupted) {
    const started = runsAt !== null && runsAt <= interruptedAt;
    return {
      status: 'CANCELLED',
      startAt: started ? runsAt : null,
      endAt: interruptedAt,
      log: `${text}✗ Job cancelled (status: CANCELLED).\n`,
    };
  }
  if (runsAt === null || now < runsAt) return { status: 'PENDING', startAt: null, endAt: null, log: '' };
  if (naturalEnd !== null && now >= naturalEnd) {
    return { status: 'SUCCEEDED', startAt: runsAt, endAt: naturalEnd, log: `${text}✓ Job finished (status: SUCCEEDED).\n` };
  }
  return { status: 'RUNNING', startAt: runsAt, endAt: null, log: text };
}
