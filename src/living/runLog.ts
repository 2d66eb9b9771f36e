/**
 * A running job's output at `t`: the template's lines in turn (then again), one every `lineSeconds`
 * while the job runs, with one-off lines (a preemption, a recovery, a failure) at their instants. Only
 * lines due by `t` are shown, in order of their instants, so a log only ever grows as `t` grows.
 */
import { drawAfter } from './prng';

export interface LogPlan {
  seed: number;
  /** Keys the run's random numbers (loss values) apart from other runs'. */
  key: string;
  template: readonly string[];
  lineSeconds: number;
  /** [start, end) spans in which the job prints; ends are absolute seconds. */
  running: readonly [number, number][];
  /** Lines printed once, at their instant. */
  events: readonly { at: number; text: string }[];
}

/** Template lines, with `{n}` the line's number and `{loss}` a falling loss. */
function fill(template: string, n: number, noise: (n: number) => number): string {
  return template.replaceAll('{n}', String(n)).replaceAll('{loss}', (0.9 + 2.6 * Math.exp(-n / 150) + 0.08 * noise(n)).toFixed(3));
}

/** How many lines a span has printed by `t`. */
function printedIn([start, end]: readonly [number, number], lineSeconds: number, t: number): number {
  if (t < start) return 0;
  return Math.floor((Math.min(t, end - 1) - start) / lineSeconds) + 1;
}

/** The lines due after `from` and by `to` (both absolute seconds), in order. */
export function linesBetween(plan: LogPlan, from: number, to: number): string {
  const timed: { at: number; text: string }[] = [];
  const noise = drawAfter(plan.seed, plan.key);
  let n = 0;
  for (const span of plan.running) {
    const count = plan.template.length ? printedIn(span, plan.lineSeconds, to) : 0;
    const skip = plan.template.length ? printedIn(span, plan.lineSeconds, from) : 0;
    for (let i = skip; i < count; i++) {
      timed.push({ at: span[0] + i * plan.lineSeconds, text: fill(plan.template[(n + i) % plan.template.length], n + i + 1, noise) });
    }
    n += plan.template.length ? printedIn(span, plan.lineSeconds, Number.POSITIVE_INFINITY) : 0;
  }
  for (const event of plan.events) if (event.at > from && event.at <= to) timed.push(event);
  // A stable sort: at equal instants, span lines (pushed first) come before one-off lines.
  timed.sort((a, b) => a.at - b.at);
  return timed.map((l) => `${l.text}\n`).join('');
}

/** The instant of the log's last line: from then on it is complete. */
export function lastLineAt(plan: LogPlan): number {
  const spanEnds = plan.running.map(
    ([start, end]) => start + Math.max(0, Math.ceil((end - start) / plan.lineSeconds) - 1) * plan.lineSeconds,
  );
  return Math.max(Number.NEGATIVE_INFINITY, ...spanEnds, ...plan.events.map((e) => e.at));
}
