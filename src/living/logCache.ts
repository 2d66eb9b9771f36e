/**
 * Logs read at `t` without rebuilding them every second: the text last made for a run is kept with
 * the instant it was made for, and the next, later instant only appends the lines due since. A
 * finished log is made once. Bounded by count (oldest made first out); a read at an earlier instant
 * than the one kept (a test moving back in time) is made from scratch and not kept.
 */
import { type LogPlan, lastLineAt, linesBetween } from './runLog';

const MAX_LOGS = 2000;

export class LogCache {
  private readonly logs = new Map<string, { upTo: number; text: string }>();

  constructor(private readonly max = MAX_LOGS) {}

  /** The log of `plan` at `t`; `key` names the run (the same key, the same plan). */
  at(key: string, plan: LogPlan, t: number): string {
    const kept = this.logs.get(key);
    if (kept && kept.upTo <= t) {
      const until = Math.min(t, lastLineAt(plan));
      if (until <= kept.upTo) return kept.text;
      const text = kept.text + linesBetween(plan, kept.upTo, until);
      this.keep(key, { upTo: until, text });
      return text;
    }
    const text = linesBetween(plan, Number.NEGATIVE_INFINITY, t);
    if (!kept) this.keep(key, { upTo: t, text });
    return text;
  }

  private keep(key: string, entry: { upTo: number; text: string }): void {
    this.logs.delete(key);
    this.logs.set(key, entry);
    if (this.logs.size > this.max) this.logs.delete(this.logs.keys().next().value as string);
  }
}
