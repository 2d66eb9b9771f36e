/**
 * `JSON.stringify` for results that may be tens of megabytes (an unpaginated jobs fetch, a year's cost
 * report), done in slices that give the event loop back every few milliseconds, so one big answer
 * never stalls everyone else's; and the quoting of such a text (the wire carries the JSON text as a
 * JSON string) in slices too, cut where no surrogate pair is split.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { turnDeadline } from '../state/turnBudget';
/** Pieces are joined into strings of about this size before the final join. */
const CHUNK_CHARS = 1 << 20;

const q = JSON.stringify;

/**
 * What is cut into pieces: the root, and arrays up to this depth (a list of jobs, or the `jobs` of a
 * page); a row inside them is stringified whole, natively, which is ten times faster than walking it.
 */
const MAX_ARRAY_DEPTH = 1;

/** Runs until the turn's deadline, shared with every other sliced computation (state/turnBudget.ts). */
class Slicer {
  private deadline = turnDeadline();

  get due(): boolean {
    return performance.now() >= this.deadline;
  }

  async tick(): Promise<void> {
    if (!this.due) return;
    await yieldToLoop();
    this.deadline = turnDeadline();
  }
}

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A member recursed into: an array while shallow (a list of rows); anything else is one piece. */
function recursed(value: unknown, depth: number): value is unknown[] {
  return depth <= MAX_ARRAY_DEPTH && Array.isArray(value) && isPlainContainer(value);
}

/**
 * Rows between two looks at the clock: a look costs far less than a row, but not nothing. The loop
 * is synchronous in between (an `await` per row cost as much as stringifying it).
 */
const ROWS_PER_CHECK = 8;

async function walk(value: Record<string, unknown> | unknown[], depth: number, out: Chunks, slicer: Slicer): Promise<void> {
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i) out.push(',');
      const item = value[i];
      if (recursed(item, depth + 1)) await walk(item, depth + 1, out, slicer);
      else out.push(q(item) ?? 'null');
      if (i % ROWS_PER_CHECK === ROWS_PER_CHECK - 1 && slicer.due) await slicer.tick();
    }
    out.push(']');
    return;
  }
  out.push('{');
  let first = true;
  for (const key of Object.keys(value)) {
    const child = value[key];
    // What JSON.stringify leaves out of an object.
    if (child === undefined || typeof child === 'function' || typeof child === 'symbol') continue;
    if (recursed(child, depth + 1)) {
      out.push(`${first ? '' : ','}${q(key)}:`);
      await walk(child, depth + 1, out, slicer);
    } else {
      const text = q(child);
      // A value whose toJSON answers undefined is left out, key and all, as JSON.stringify does.
      if (text === undefined) continue;
      out.push(`${first ? '' : ','}${q(key)}:`, text);
    }
    first = false;
    if (slicer.due) await slicer.tick();
  }
  out.push('}');
}

/**
 * Where the walk writes: pieces joined into ~1 MiB chunks as they come, so the small pieces of rows
 * already written are garbage at once rather than all held until the end (tens of megabytes).
 */
class Chunks {
  readonly done: string[] = [];
  private current: string[] = [];
  private size = 0;

  push(...pieces: string[]): void {
    for (const piece of pieces) {
      this.current.push(piece);
      this.size += piece.length;
    }
    if (this.size >= CHUNK_CHARS) this.flush();
  }

  flush(): void {
    this.done.push(this.current.join(''));
    this.current = [];
    this.size = 0;
  }
}

/** The same bytes as `JSON.stringify(value ?? null)`, made in slices. */
export async function serializeYielding(value: unknown): Promise<string> {
  const slicer = new Slicer();
  const out = new Chunks();
  const root = value ?? null;
  if (isPlainContainer(root)) await walk(root, 0, out, slicer);
  else out.push(q(root) ?? 'null');
  out.flush();
  await slicer.tick();
  return out.done.length === 1 ? out.done[0] : out.done.join('');
}

/** Texts this long or shorter are quoted in one step (a millisecond or so). */
export const QUOTE_IN_ONE_STEP_CHARS = CHUNK_CHARS;
/** Characters quoted per step: escaping is slower than copying. */
const QUOTE_CHARS = 1 << 18;
const QUOTE = Buffer.from('"');

/**
 * The UTF-8 bytes of `JSON.stringify(text)` as pieces, made in slices and never joined (a 40 MB join
 * or encoding is itself a stall): cut only where no surrogate pair is split, so each piece is whole
 * characters. Bytes, so that sending them neither measures nor encodes tens of megabytes at once.
 */
export async function quoteInParts(text: string): Promise<Buffer[]> {
  const slicer = new Slicer();
  const parts: Buffer[] = [QUOTE];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + QUOTE_CHARS);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    parts.push(Buffer.from(q(text.slice(start, end)).slice(1, -1), 'utf8'));
    start = end;
    await slicer.tick();
  }
  parts.push(QUOTE);
  return parts;
}

/**
 * `quoteInParts` of an owner's text, done once however many ask while it runs: the memory tier
 * spilling a big result and `/api/get` answering it at the same moment (the common case: the client
 * is already waiting) share one quoting instead of each escaping tens of megabytes. Held only while
 * it runs (and weakly: it goes with its owner).
 */
const quoting = new WeakMap<object, Promise<Buffer[]>>();

export function sharedQuoteInParts(owner: object, text: string): Promise<Buffer[]> {
  let running = quoting.get(owner);
  if (!running) {
    running = quoteInParts(text);
    quoting.set(owner, running);
    const forget = () => quoting.delete(owner);
    running.then(forget, forget);
  }
  return running;
}
