/**
 * One run of a managed-job stream: its whole story, planned from its draws, and read at any `t`.
 * The statuses follow upstream's ManagedJobStatus machine (sky/jobs/state.py): PENDING -> STARTING
 * -> RUNNING, a spot preemption RUNNING -> RECOVERING -> RUNNING, then SUCCEEDED or FAILED, or a
 * cancellation RUNNING -> CANCELLING -> CANCELLED.
 */
import type { ManagedJobStatus } from '../vocab/statuses';
import type { ManagedJobStream } from './activitySchema';
import { draw, drawBetween, drawWeighted } from './prng';
import type { LogPlan } from './runLog';
import type { Slot, Step } from './slots';

/** How long CANCELLING lasts before CANCELLED. */
const CANCELLING_SECONDS = 10;

export interface ManagedRun {
  id: number;
  user: string;
  submittedAt: number;
  steps: Step<ManagedJobStatus>[];
  /** When it started running (the first RUNNING), and when it ended (the last step). */
  runStart: number;
  endAt: number;
  preemptedAt: number | null;
  log: LogPlan;
  failureReason: string | null;
}

export function planManagedRun(seed: number, stream: ManagedJobStream, slot: Slot, id: number, template: readonly string[]): ManagedRun {
  const key = (what: string) => ['managed', stream.name, slot.inCycle, what] as const;
  const submittedAt = slot.at + Math.floor(draw(seed, ...key('jitter')) * Math.min(stream.every / 4, 120));
  const startingAt = submittedAt + drawBetween(seed, stream.pending, ...key('pending'));
  const runStart = startingAt + drawBetween(seed, stream.starting, ...key('starting'));
  const running = drawBetween(seed, stream.running, ...key('running'));
  const outcome = drawWeighted(seed, stream.outcomes, ...key('outcome'));
  const preempted = draw(seed, ...key('preempted')) < stream.preemption;
  const steps: Step<ManagedJobStatus>[] = [
    { status: 'PENDING', at: submittedAt, reason: 'Submitted.' },
    { status: 'STARTING', at: startingAt, reason: 'Launching the job cluster.' },
    { status: 'RUNNING', at: runStart, reason: 'The job is running.' },
  ];
  const spans: [number, number][] = [];
  const events: { at: number; text: string }[] = [];
  let end = runStart + running;
  let preemptedAt: number | null = null;
  if (preempted) {
    preemptedAt = runStart + Math.floor(running * (0.3 + 0.4 * draw(seed, ...key('preempt-at'))));
    const recoveredAt = preemptedAt + drawBetween(seed, stream.recovery, ...key('recovery'));
    end += recoveredAt - preemptedAt;
    steps.push(
      { status: 'RECOVERING', at: preemptedAt, reason: 'The job cluster was preempted.' },
      { status: 'RUNNING', at: recoveredAt, reason: 'Recovered.' },
    );
    spans.push([runStart, preemptedAt], [recoveredAt, end]);
    const where = `${stream.cloud}${stream.region ? ` (${stream.region})` : ''}`;
    events.push(
      { at: preemptedAt, text: `W The job cluster ${stream.name}-${id} was preempted. Recovering (attempt 1)...` },
      { at: recoveredAt, text: `I Managed job ${id} recovered on ${where}; resuming from the last checkpoint.` },
    );
  } else {
    spans.push([runStart, end]);
  }
  let failureReason: string | null = null;
  if (outcome === 'CANCELLED') {
    steps.push({ status: 'CANCELLING', at: end, reason: 'Cancellation requested.' });
    events.push({ at: end, text: 'Cancelling the job (requested by the user)...' });
    end += CANCELLING_SECONDS;
    steps.push({ status: 'CANCELLED', at: end, reason: 'Cancelled.' });
  } else if (outcome === 'FAILED') {
    failureReason = stream.failure_reason;
    events.push({ at: end, text: `ERROR ${stream.failure_reason}` });
    steps.push({ status: 'FAILED', at: end, reason: stream.failure_reason });
  } else {
    steps.push({ status: 'SUCCEEDED', at: end, reason: 'The job finished.' });
  }
  return {
    id,
    user: stream.users[Math.floor(draw(seed, ...key('user')) * stream.users.length)],
    submittedAt,
    steps,
    runStart,
    endAt: end,
    preemptedAt,
    log: { seed, key: `managed/${stream.name}/${slot.inCycle}`, template, lineSeconds: stream.line_seconds, running: spans, events },
    failureReason,
  };
}

/** The longest a run of this stream can take from its slot to its end: how far back to look. */
export function longestManagedRun(stream: ManagedJobStream): number {
  return 120 + stream.pending[1] + stream.starting[1] + stream.running[1] + stream.recovery[1] + CANCELLING_SECONDS;
}
