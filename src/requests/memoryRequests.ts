/**
 * The in-memory tier of the request store: every live request and recently finished ones, so the hot
 * round trip (schedule, then `/api/get`) never waits on a database. Bounded by count and by bytes:
 * when full, the oldest finished requests go first (reads are gone for good, durable requests are
 * still in the database); live requests are never evicted (the executor bounds how many there are).
 * Finished reads are kept for `readRetentionMs`: clients fetch a result once, soon after. Once a
 * result has been handed out it stays only `fetchedGraceMs` more (for a client whose answer was lost
 * on the way): under load, that is what keeps the heap, and so the process's memory, flat and far
 * below the bounds.
 *
 * A result nobody has fetched yet is never dropped for room (only when its retention runs out): past
 * the bounds, the oldest unfetched reads are spilled to disk (resultSpill.ts) and answered from there,
 * however big. Only a full spill directory (gigabytes, or its file count) drops them, oldest first,
 * and says so. The bounds apply to what is held in memory: a spilled request keeps only its record
 * (a few hundred bytes), and those records are bounded by the spill directory's file count.
 * Eviction costs what it removes or spills, never the tier's size: spilled requests wait in their
 * own order, so a put does not walk past thousands of them (a soak of log streams nobody fetched
 * afterwards once made every put walk 25,000 spilled entries, and the servers crawled).
 */
import { isFinishedRequest } from '../vocab/statuses';
import { type RequestRecord, recordBytes } from './requestRecord';
import type { ResultSpill } from './resultSpill';
import { sharedQuoteInParts } from './yieldingJson';

export interface MemoryLimits {
  /** Finished requests held (live ones are bounded by the executor's queues instead). */
  maxEntries: number;
  /** Bytes of finished requests held. */
  maxBytes: number;
  /** How long a finished read stays fetchable. */
  readRetentionMs: number;
  /** How long a result stays after it was fetched. */
  fetchedGraceMs: number;
  /**
   * How long a streamed request (`/logs`, `/jobs/logs`) stays once its stream was delivered: the
   * official CLI then asks `/api/get` for the exit code at once; a dashboard's log view never does.
   */
  streamedGraceMs: number;
  /** How long a finished durable request stays cached here (it is in the database anyway). */
  durableCacheMs: number;
}

export const DEFAULT_MEMORY_LIMITS: MemoryLimits = {
  // Measured in the soak: at these bounds the tier's heap (about three times its accounted bytes)
  // keeps a server under 250 MB resident at 50 connections; 10,000 / 32 MiB took it near 300.
  maxEntries: 2_000,
  maxBytes: 8 * 1024 * 1024,
  readRetentionMs: 10 * 60_000,
  fetchedGraceMs: 5_000,
  streamedGraceMs: 15_000,
  durableCacheMs: 60_000,
};

interface Entry {
  record: RequestRecord;
  bytes: number;
  /** When a finished entry may be dropped (ms since the epoch); Infinity while live. */
  expiresAt: number;
  /** Its result is being written to the spill directory. */
  spilling?: boolean;
  /** Bytes of its result on disk, once spilled. */
  spilledBytes?: number;
}

export class MemoryRequests {
  private readonly entries = new Map<string, Entry>();
  /** Finished ids whose result is in memory, in the order they finished: eviction walks it from the front. */
  private readonly finishedOrder = new Map<string, true>();
  /** Finished ids whose result is on disk, in the order they were spilled: expiry walks it from the front. */
  private readonly spilledOrder = new Map<string, true>();
  /** Fetched ids in the order they were fetched: one grace for all, so they expire in this order. */
  private readonly fetchedOrder = new Map<string, true>();
  /** Streamed ids in the order their stream was delivered (one grace too), until fetched or expired. */
  private readonly streamedOrder = new Map<string, true>();
  private bytes = 0;
  /** Of `bytes`, what finished entries with their result in memory hold: the part the bounds apply to. */
  private finishedBytes = 0;
  /** Finished entries whose result is still in memory: the count bound applies to them. */
  private heldFinished = 0;
  /** Of `finishedBytes`, what writes under way are about to free. */
  private spillingBytes = 0;
  private spillingCount = 0;
  private spilledBytes = 0;
  private spilledFiles = 0;
  /** Unfetched results dropped because the spill directory was full (an operator's signal). */
  droppedUnfetched = 0;
  /** Entries the last `evict` looked at (the tier's own test: eviction costs its work, not the tier's size). */
  lastEvictVisits = 0;

  constructor(
    readonly limits: MemoryLimits = DEFAULT_MEMORY_LIMITS,
    private readonly spill: ResultSpill | null = null,
  ) {}

  /** Bytes of results spilled to disk. */
  get diskBytes(): number {
    return this.spilledBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /** Bytes of finished requests whose result is in memory: what `maxBytes` bounds. */
  get heldBytes(): number {
    return this.finishedBytes;
  }

  get(requestId: string): RequestRecord | undefined {
    const entry = this.entries.get(requestId);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.remove(requestId);
      return undefined;
    }
    return entry.record;
  }

  /** Adds or replaces a record and re-accounts it; evicts finished records past the bounds. */
  put(record: RequestRecord): void {
    const previous = this.entries.get(record.requestId);
    // The same live record, changed (finished, the hot case): re-accounted in place. A live entry is
    // in no order and holds no spill, so there is nothing else to undo.
    if (previous?.record === record && previous.expiresAt === Infinity && previous.spilledBytes === undefined && !previous.spilling) {
      this.account(previous, -1);
      previous.bytes = recordBytes(record);
      const finished = isFinishedRequest(record.status);
      if (finished) previous.expiresAt = this.expiryOf(record);
      this.account(previous, 1);
      if (!finished) return;
      this.finishedOrder.set(record.requestId, true);
      this.evict();
      return;
    }
    // A record replaced by another copy: its spill (or a write under way) is released; the same
    // record put again keeps the file its result is in.
    const keptSpill = previous?.record === record ? previous.spilledBytes : undefined;
    if (previous) {
      this.account(previous, -1);
      if (keptSpill === undefined) this.release(previous);
    }
    const finished = isFinishedRequest(record.status);
    const entry: Entry = {
      record,
      bytes: recordBytes(record),
      expiresAt: finished ? this.expiryOf(record) : Infinity,
      spilledBytes: keptSpill,
    };
    this.entries.set(record.requestId, entry);
    this.account(entry, 1);
    this.fetchedOrder.delete(record.requestId);
    this.streamedOrder.delete(record.requestId);
    this.finishedOrder.delete(record.requestId);
    this.spilledOrder.delete(record.requestId);
    if (!finished) return; // live requests count toward no bound: nothing to evict for them
    (keptSpill === undefined ? this.finishedOrder : this.spilledOrder).set(record.requestId, true);
    this.evict();
  }

  /** When a record finished now expires: a durable one is in the database too, and kept less long here. */
  private expiryOf(record: RequestRecord): number {
    return Date.now() + (record.durable ? this.limits.durableCacheMs : this.limits.readRetentionMs);
  }

  /** Re-accounts a record changed in place (a log line appended). */
  touch(record: RequestRecord): void {
    const entry = this.entries.get(record.requestId);
    if (!entry || entry.spilling) return;
    this.account(entry, -1);
    entry.bytes = recordBytes(record);
    this.account(entry, 1);
    this.evict();
  }

  remove(requestId: string): void {
    const entry = this.entries.get(requestId);
    if (!entry) return;
    this.entries.delete(requestId);
    this.finishedOrder.delete(requestId);
    this.spilledOrder.delete(requestId);
    this.fetchedOrder.delete(requestId);
    this.streamedOrder.delete(requestId);
    this.account(entry, -1);
    this.release(entry);
  }

  /** Gives up an entry's spill: a write under way is abandoned, a written file removed. */
  private release(entry: Entry): void {
    if (entry.spilling) {
      entry.spilling = false;
      this.spillingBytes -= entry.bytes;
      this.spillingCount -= 1;
    }
    if (entry.spilledBytes === undefined) return;
    this.spilledBytes -= entry.spilledBytes;
    this.spilledFiles -= 1;
    entry.spilledBytes = undefined;
    if (entry.record.spillFile) this.spill?.remove(entry.record.spillFile);
  }

  private account(entry: Entry, sign: 1 | -1): void {
    this.bytes += sign * entry.bytes;
    if (entry.expiresAt !== Infinity && entry.spilledBytes === undefined) {
      this.finishedBytes += sign * entry.bytes;
      this.heldFinished += sign;
    }
  }

  /** A finished request's result was handed to its client: keep it only `fetchedGraceMs` more. */
  markFetched(requestId: string): void {
    const entry = this.entries.get(requestId);
    if (!entry || entry.expiresAt === Infinity || this.fetchedOrder.has(requestId)) return;
    entry.expiresAt = Math.min(entry.expiresAt, Date.now() + this.limits.fetchedGraceMs);
    this.streamedOrder.delete(requestId);
    this.fetchedOrder.set(requestId, true);
  }

  /**
   * A finished streamed request's output reached its client: keep it `streamedGraceMs` more, for the
   * `/api/get` that may follow, not a read's full retention (log views open thousands of these).
   */
  markStreamed(requestId: string): void {
    const entry = this.entries.get(requestId);
    if (!entry || entry.expiresAt === Infinity || this.fetchedOrder.has(requestId) || this.streamedOrder.has(requestId)) return;
    entry.expiresAt = Math.min(entry.expiresAt, Date.now() + this.limits.streamedGraceMs);
    this.streamedOrder.set(requestId, true);
  }

  /** Records matching `keep`, newest first. */
  filter(keep: (record: RequestRecord) => boolean): RequestRecord[] {
    const now = Date.now();
    const out: RequestRecord[] = [];
    for (const entry of this.entries.values()) {
      if (entry.expiresAt > now && keep(entry.record)) out.push(entry.record);
    }
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Live requests do not count: the executor bounds them, and they are never evicted. */
  private get over(): boolean {
    return (
      this.heldFinished - this.spillingCount > this.limits.maxEntries || this.finishedBytes - this.spillingBytes > this.limits.maxBytes
    );
  }

  private get diskOver(): boolean {
    return this.spill !== null && (this.spilledBytes > this.spill.limits.maxBytes || this.spilledFiles > this.spill.limits.maxFiles);
  }

  /**
   * Drops expired finished records, then, past the bounds, results already handed out (their grace is
   * a courtesy); then spills the oldest results nobody has fetched yet. Durable requests are in the
   * database, so they are dropped rather than spilled. Without a spill directory (tests of the bare
   * tier) unfetched results stay: losing them is what this tier must never do for room.
   * Called periodically and on every put.
   */
  evict(): void {
    const now = Date.now();
    let visits = 0;
    visits += this.dropHandedOut(this.fetchedOrder, now) + this.dropHandedOut(this.streamedOrder, now);
    for (const id of this.finishedOrder.keys()) {
      visits++;
      const entry = this.entries.get(id)!;
      if (!this.over && entry.expiresAt > now) break;
      if (entry.expiresAt <= now || entry.record.durable) this.remove(id);
      else if (this.spill && !entry.spilling) this.spillOut(id, entry);
    }
    for (const id of this.spilledOrder.keys()) {
      visits++;
      const entry = this.entries.get(id)!;
      if (!this.diskOver && entry.expiresAt > now) break;
      if (entry.expiresAt > now) {
        this.droppedUnfetched += 1;
        console.error(`[skypilot-ts] result spill directory full: dropped unfetched result ${id}`);
      }
      this.remove(id);
    }
    this.lastEvictVisits = visits;
  }

  /** Drops results already handed out that expired, or, past the bounds, the oldest of them; returns the visits. */
  private dropHandedOut(order: Map<string, true>, now: number): number {
    let visits = 0;
    for (const id of order.keys()) {
      visits++;
      if (!this.over && !this.diskOver && this.entries.get(id)!.expiresAt > now) break;
      this.remove(id);
    }
    return visits;
  }

  /** Moves an unfetched result to disk; it stays answerable from memory until the file is written. */
  private spillOut(id: string, entry: Entry): void {
    const spill = this.spill!;
    const { record } = entry;
    entry.spilling = true;
    this.spillingBytes += entry.bytes;
    this.spillingCount += 1;
    const done = (file: string | null, size: number) => {
      if (!entry.spilling) {
        // Removed (expired, fetched and dropped) while writing.
        if (file) spill.remove(file);
        return;
      }
      entry.spilling = false;
      this.spillingBytes -= entry.bytes;
      this.spillingCount -= 1;
      if (file === null || this.entries.get(id) !== entry) return;
      this.account(entry, -1);
      // One synchronous step: a reader sees either the result in memory or its file, never neither.
      record.spillFile = file;
      record.returnValue = '';
      record.returnValueQuoted = undefined;
      record.returnValueBytes = undefined;
      entry.spilledBytes = size;
      entry.bytes = recordBytes(record);
      this.account(entry, 1);
      this.finishedOrder.delete(id);
      this.spilledOrder.set(id, true);
      this.spilledBytes += size;
      this.spilledFiles += 1;
      this.evict();
    };
    void (async () => {
      const parts =
        record.returnValueQuoted !== undefined ? [record.returnValueQuoted] : await sharedQuoteInParts(record, record.returnValue);
      const { file, bytes } = await spill.write(id, parts);
      return { file, size: bytes };
    })().then(
      ({ file, size }) => done(file, size),
      (error: unknown) => {
        // Closed while written: the server is stopping, and memory's results go with it anyway.
        if (!spill.isClosed) console.error(`[skypilot-ts] could not spill result ${id}: ${(error as Error).message}`);
        done(null, 0);
      },
    );
  }
}
