/**
 * The request store (SkyPilot's `requests.db`): an in-memory tier that answers the hot round trip,
 * over a database for what must outlive the process or be seen by other replicas.
 *
 * What is kept where:
 * - every live request, and finished ones for a while, in memory (bounded, see memoryRequests.ts);
 * - durable requests (writes, long requests) in the database from the moment they are scheduled,
 *   kept `durableRetentionSeconds` after they finish;
 * - reads in memory only, unless `persistReads` (replicas sharing a PostgreSQL store): then in the
 *   database too, without their body, for `readRetentionSeconds`: stored when accepted (before their
 *   id is answered, in group commits), and their outcome when finished (in batches).
 * Log lines of durable requests are written behind, in batches.
 *
 * The database has a size bound: past `maxDbBytes`, the oldest finished requests go, reads first.
 * Results never fall off a size cliff: what the memory tier has no room for is spilled to files
 * (resultSpill.ts) until fetched or expired.
 * Visibility: a request is seen by its owner (a principal) and by admins only.
 */
import os from 'node:os';
import path from 'node:path';
import type { MaybePromise } from '../common/maybeAsync';
import type { Db } from '../db/database';
import type { DbTarget } from '../db/dbTarget';
import { openStore } from '../db/openStore';
import { isFinishedRequest, type RequestStatus } from '../vocab/statuses';
import { DEFAULT_MEMORY_LIMITS, type MemoryLimits, MemoryRequests } from './memoryRequests';
import { canSee, type RequestError, type RequestRecord, type Viewer } from './requestRecord';
import { DEFAULT_SPILL_LIMITS, ResultSpill, type SpillLimits } from './resultSpill';
import { QUOTE_IN_ONE_STEP_CHARS, sharedQuoteInParts } from './yieldingJson';
import { STATE_OWNERSHIP } from '../state/stateMigrations';
import { REQUESTS_MIGRATIONS, REQUESTS_OWNERSHIP } from './requestsMigrations';
import type { RequestsSchema } from './requestsSchema';
import { RequestEvents, waitUntilFinished } from './requestWaits';
import { type ListQuery, RequestsTableOps } from './requestsTable';

export const REQUEST_DONE_CHANNEL = 'skypilot_request_done';
export const REQUEST_CANCEL_CHANNEL = 'skypilot_request_cancel';
const REQUESTS_CHANGED_CHANNEL = 'skypilot_requests_changed';

/** One request's log is capped; beyond it a marker says the rest was dropped. */
export const MAX_LOG_BYTES = 1024 * 1024;
const LOG_TRUNCATED = '\n... (log truncated: over 1 MiB)\n';
const LOG_FLUSH_MS = 200;
/** Finished reads of a shared store wait at most this long, or for this many, before being stored. */
const READ_BATCH_MS = 10;
const READ_BATCH_MAX = 200;
/** Request ids per NOTIFY (PostgreSQL caps a payload at 8000 bytes). */
const NOTIFY_IDS_MAX = 100;
/** How long another replica's read may take to appear in the shared store before it is "not found". */
export const SHARED_READ_GRACE_MS = 1000;

export interface RequestStoreOptions {
  target: DbTarget;
  /** Keep reads in the database too (replicas sharing the store); default: when the target is PostgreSQL. */
  persistReads?: boolean;
  memory?: Partial<MemoryLimits>;
  durableRetentionSeconds?: number;
  readRetentionSeconds?: number;
  maxDbBytes?: number;
  /** This process among replicas; requests it runs carry it. */
  replicaId?: string;
  /** Where results the memory tier has no room for are spilled (default: beside an SQLite file, else the temp directory). */
  spillParent?: string;
  spill?: Partial<SpillLimits>;
}

export const DEFAULT_DURABLE_RETENTION_SECONDS = 24 * 3600;
export const DEFAULT_READ_RETENTION_SECONDS = 10 * 60;
export const DEFAULT_MAX_DB_BYTES = 256 * 1024 * 1024;

export interface NewRequest {
  requestId: string;
  name: string;
  body: unknown;
  userId: string;
  userName: string | null;
  owner: string;
  clusterName: string | null;
  scheduleType: RequestRecord['scheduleType'];
  durable: boolean;
  /** The client named the request (a retry may follow); a fresh UUID of ours needs no lookup. */
  clientChosen?: boolean;
}

export type FindResult = RequestRecord | 'ambiguous' | null;

/**
 * Which requests committed a change to the state: recorded by the state store in the change's own
 * transaction (src/state/requestEffects.ts), set by the server that opens both stores.
 */
export interface EffectLedger {
  applied(ids: readonly string[]): Promise<Set<string>>;
  prune(before: number, batch: number): Promise<number>;
}

export class RequestStore {
  readonly memory: MemoryRequests;
  private readonly spill: ResultSpill;
  readonly table: RequestsTableOps;
  readonly persistReads: boolean;
  readonly replicaId: string;
  private readonly events = new RequestEvents();
  /**
   * Waits on a running request, by what ended them: an event (its finish here, another replica's
   * notification) or the fallback look-up of the database. Polls on PostgreSQL mean notifications
   * missed or later than the poll: an operator's signal (metrics), and the replicas test's.
   */
  readonly waitsWokenBy = { event: 0, poll: 0 };
  private readonly pendingLogs = new Map<string, string>();
  private logTimer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;
  /** Without one (tools, tests of the store alone), no request is known to have changed anything. */
  effects: EffectLedger | null = null;

  private constructor(
    readonly db: Db<RequestsSchema>,
    readonly options: RequestStoreOptions,
  ) {
    const { target } = options;
    const beside = target.kind === 'sqlite' && target.path !== ':memory:' ? path.dirname(target.path) : os.tmpdir();
    this.spill = new ResultSpill(options.spillParent ?? beside, { ...DEFAULT_SPILL_LIMITS, ...options.spill });
    this.memory = new MemoryRequests({ ...DEFAULT_MEMORY_LIMITS, ...options.memory }, this.spill);
    this.table = new RequestsTableOps(db);
    this.persistReads = options.persistReads ?? db.kind === 'postgres';
    this.replicaId = options.replicaId ?? `pid-${process.pid}`;
    // One notification may name several requests (a batch of finished reads).
    this.unsubscribe.push(
      db.subscribe(REQUEST_DONE_CHANNEL, (ids) => {
        for (const id of ids.split(',')) {
          const held = this.memory.get(id);
          // Another replica finished a request this one runs (a cancel sent to it): its outcome is
          // in the database, and this replica's copy, which its waiters read, must take it.
          if (held && !isFinishedRequest(held.status)) void this.adoptStoredOutcome(held).finally(() => this.events.emit(id));
          else this.events.emit(id);
        }
      }),
    );
  }

  static async open(options: RequestStoreOptions): Promise<RequestStore> {
    const { target } = options;
    const db = await openStore<RequestsSchema>(target, {
      what: 'requests database',
      ownership: REQUESTS_OWNERSHIP,
      migrations: REQUESTS_MIGRATIONS,
      sharesWith: [STATE_OWNERSHIP],
      // WAL with NORMAL never corrupts; it may lose the last commits on power loss, which for
      // request records (clients retry) is worth a much cheaper commit than FULL.
      synchronous: 'NORMAL',
      postgres: { channel: REQUESTS_CHANGED_CHANNEL, serializeWrites: false, notifyChanges: false },
    });
    return new RequestStore(db, options);
  }

  /** For tests and tools: an SQLite file or ':memory:'. */
  static openSqlite(path: string, options: Omit<RequestStoreOptions, 'target'> = {}): Promise<RequestStore> {
    return RequestStore.open({ ...options, target: { kind: 'sqlite', path, createDir: true } });
  }

  private async adoptStoredOutcome(record: RequestRecord): Promise<void> {
    const stored = await this.table.get(record.requestId).catch(() => null);
    if (!stored || !isFinishedRequest(stored.status) || isFinishedRequest(record.status)) return;
    this.takePendingLog(record.requestId);
    Object.assign(record, stored);
    this.memory.put(record);
  }

  /** The requests among `ids` whose change committed, so an interrupted one is reported as what it did. */
  async changesCommitted(ids: readonly string[]): Promise<Set<string>> {
    return ids.length && this.effects ? this.effects.applied(ids) : new Set();
  }

  /** Subscribes to cancellations published by other replicas. */
  onRemoteCancel(handler: (requestId: string) => void): void {
    this.unsubscribe.push(this.db.subscribe(REQUEST_CANCEL_CHANNEL, handler));
  }

  /**
   * Creates the request, or returns the existing one when the same caller retries with the same id
   * (`created: false`). An id already used by someone else, or for another endpoint, is not shared:
   * the request gets a fresh id instead (`freshId()`). A read with an id of ours on a store of its
   * own is only held in memory: created at once, without a promise.
   */
  create(input: NewRequest, freshId: () => string): MaybePromise<{ record: RequestRecord; created: boolean }> {
    return input.clientChosen ? this.createChosen(input, freshId) : this.createNew(input, freshId);
  }

  private async createChosen(input: NewRequest, freshId: () => string): Promise<{ record: RequestRecord; created: boolean }> {
    const existing = this.memory.get(input.requestId) ?? (await this.table.get(input.requestId));
    if (existing) {
      const sameCaller = existing.owner === input.owner && existing.userId === input.userId && existing.name === input.name;
      if (sameCaller) return { record: existing, created: false };
      return this.create({ ...input, requestId: freshId(), clientChosen: false }, freshId);
    }
    return this.createNew(input, freshId);
  }

  private createNew(input: NewRequest, freshId: () => string): MaybePromise<{ record: RequestRecord; created: boolean }> {
    const record: RequestRecord = {
      requestId: input.requestId,
      name: input.name,
      body: input.durable ? JSON.stringify(input.body ?? null) : '{}',
      status: 'PENDING',
      createdAt: Date.now() / 1000,
      finishedAt: null,
      userId: input.userId,
      userName: input.userName,
      owner: input.owner,
      replicaId: this.replicaId,
      clusterName: input.clusterName,
      scheduleType: input.scheduleType,
      durable: input.durable,
      returnValue: 'null',
      error: null,
      statusMsg: null,
      shouldRetry: false,
      log: '',
    };
    if (record.durable) {
      return this.table
        .insert(record)
        .then((inserted) =>
          inserted ? this.accept(record) : this.create({ ...input, requestId: freshId(), clientChosen: false }, freshId),
        );
    }
    return this.accept(record);
  }

  private accept(record: RequestRecord): MaybePromise<{ record: RequestRecord; created: boolean }> {
    this.memory.put(record);
    // A read of a shared store is in the database before its id is answered: if this replica dies
    // before finishing it, the others find it and answer FAILED (ServerRestarted), never 404.
    if (!record.durable && this.persistReads) return this.storeAccepted(record).then(() => ({ record, created: true }));
    return { record, created: true };
  }

  private readonly acceptedQueue: { record: RequestRecord; stored: () => void }[] = [];
  private acceptedFlushing = false;

  /**
   * Group commit: reads accepted while one insert is out go together in the next, so a burst costs
   * a few statements, not one each. A store that cannot take them is logged, not fatal: the read
   * still runs here (other replicas would then not find it).
   */
  private storeAccepted(record: RequestRecord): Promise<void> {
    return new Promise((stored) => {
      this.acceptedQueue.push({ record: { ...record }, stored });
      if (!this.acceptedFlushing) void this.flushAccepted();
    });
  }

  private async flushAccepted(): Promise<void> {
    this.acceptedFlushing = true;
    try {
      while (this.acceptedQueue.length) {
        const batch = this.acceptedQueue.splice(0, READ_BATCH_MAX);
        try {
          await this.table.insertMany(batch.map((b) => b.record));
        } catch (error) {
          console.error(`[skypilot-ts] could not store ${batch.length} accepted read(s): ${(error as Error).message}`);
        }
        for (const b of batch) b.stored();
      }
    } finally {
      this.acceptedFlushing = false;
    }
  }

  /** The request if `viewer` may see it. Memory first, then the database. */
  async get(requestId: string, viewer: Viewer | null = null): Promise<RequestRecord | null> {
    let record: RequestRecord | null | undefined = this.memory.get(requestId);
    // Another replica's unfinished request: its progress is in the database, not here.
    if (!record || (!isFinishedRequest(record.status) && record.replicaId !== this.replicaId)) {
      const stored = await this.table.get(requestId);
      if (stored && isFinishedRequest(stored.status)) this.memory.put(stored);
      record = stored ?? record ?? null;
    }
    if (!record) return null;
    return viewer && !canSee(viewer, record) ? null : record;
  }

  /**
   * Exact id, else a unique prefix among the viewer's requests. With replicas sharing the store, an
   * id nobody has yet may be a read another replica is finishing: it is waited for, briefly.
   */
  async find(idOrPrefix: string, viewer: Viewer): Promise<FindResult> {
    const shared = this.persistReads && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(idOrPrefix);
    // Listening before looking: an arrival announced while the lookup runs must not be missed.
    let arrival = shared ? this.events.listenFor(idOrPrefix) : null;
    const exact = await this.get(idOrPrefix, viewer);
    if (exact || !arrival) {
      arrival?.cancel();
      if (exact) return exact;
    } else {
      const deadline = Date.now() + SHARED_READ_GRACE_MS;
      while (Date.now() < deadline) {
        await arrival.wait(Math.min(100, deadline - Date.now()));
        arrival = this.events.listenFor(idOrPrefix);
        const arrived = await this.get(idOrPrefix, viewer);
        if (arrived) {
          arrival.cancel();
          return arrived;
        }
      }
      arrival.cancel();
    }
    const inMemory = this.memory.filter((r) => r.requestId.startsWith(idOrPrefix) && canSee(viewer, r));
    const inDb = await this.table.findByPrefix(idOrPrefix, viewer);
    const ids = new Set([...inMemory, ...inDb].map((r) => r.requestId));
    if (ids.size > 1) return 'ambiguous';
    if (ids.size === 0) return null;
    return inMemory[0] ?? this.get(inDb[0].requestId, viewer);
  }

  /** At once for a request held in memory only; a stored one is marked in the database too. */
  setRunning(record: RequestRecord): MaybePromise<void> {
    if (isFinishedRequest(record.status)) return;
    record.status = 'RUNNING';
    if (record.durable) return this.table.setRunning(record.requestId);
  }

  /**
   * Records the outcome once; false when the request already finished (cancelled meanwhile). A
   * stored request is finished in the database first: nobody sees it finished before it is stored.
   */
  async finish(record: RequestRecord, status: RequestStatus, returnValue: string, error: RequestError | null): Promise<boolean> {
    if (!record.durable) return this.finishRead(record, status, returnValue, error);
    if (isFinishedRequest(record.status)) return false;
    this.takePendingLog(record.requestId);
    const finished: RequestRecord = { ...record, status, returnValue, error, finishedAt: Date.now() / 1000 };
    // Replicas hear of the finish from the statement that stores it (requestsTable.ts).
    if (!(await this.table.finish(finished, this.db.crossProcessEvents ? REQUEST_DONE_CHANNEL : undefined))) {
      // Someone else (another replica's cancel) finished it first: theirs is the outcome.
      const stored = await this.table.get(record.requestId);
      if (stored) Object.assign(record, stored);
      this.memory.put(record);
      return false;
    }
    Object.assign(record, finished);
    this.memory.put(record);
    this.events.emit(record.requestId);
    return true;
  }

  /** `finish` for a request that is not stored (a read): in memory, at once. */
  finishRead(record: RequestRecord, status: RequestStatus, returnValue: string, error: RequestError | null): boolean {
    if (isFinishedRequest(record.status)) return false;
    this.takePendingLog(record.requestId);
    Object.assign(record, { status, returnValue, error, finishedAt: Date.now() / 1000 });
    this.memory.put(record);
    this.events.emit(record.requestId);
    // A copy: the memory tier may spill this record's result before the batch is written.
    if (this.persistReads) this.queueRead({ ...record });
    return true;
  }

  private readonly pendingReads: RequestRecord[] = [];
  private readTimer: NodeJS.Timeout | null = null;

  /** Finished reads of a shared store go out in batches: one insert and one NOTIFY per batch. */
  private queueRead(record: RequestRecord): void {
    this.pendingReads.push(record);
    if (this.pendingReads.length >= READ_BATCH_MAX) void this.flushReads();
    else
      this.readTimer ??= setTimeout(() => {
        void this.flushReads();
      }, READ_BATCH_MS);
  }

  async flushReads(): Promise<void> {
    if (this.readTimer) clearTimeout(this.readTimer);
    this.readTimer = null;
    const batch = this.pendingReads.splice(0, this.pendingReads.length);
    if (!batch.length) return;
    try {
      await this.table.insertMany(batch);
      for (let i = 0; i < batch.length; i += NOTIFY_IDS_MAX) {
        await this.db.publish(
          REQUEST_DONE_CHANNEL,
          batch
            .slice(i, i + NOTIFY_IDS_MAX)
            .map((r) => r.requestId)
            .join(','),
        );
      }
    } catch (error) {
      // This replica still answers them from memory; other replicas will not find them.
      console.error(`[skypilot-ts] could not store ${batch.length} finished read(s): ${(error as Error).message}`);
    }
  }

  /** Marks an unfinished request CANCELLED here and in the database; true when it was unfinished. */
  async cancel(requestId: string): Promise<boolean> {
    const record = await this.get(requestId);
    if (!record || isFinishedRequest(record.status)) return false;
    const cancelled = await this.finish(record, 'CANCELLED', 'null', null);
    if (cancelled && record.replicaId !== this.replicaId && this.db.crossProcessEvents) {
      await this.db.publish(REQUEST_CANCEL_CHANNEL, requestId).catch(() => {});
    }
    return cancelled;
  }

  appendLog(record: RequestRecord, text: string): void {
    // Past the cap the marker is already there (it takes the log over the cap): drop the rest.
    if (record.log.length > MAX_LOG_BYTES) return;
    const room = MAX_LOG_BYTES - record.log.length;
    const chunk = text.length > room ? text.slice(0, room) + LOG_TRUNCATED : text;
    record.log += chunk;
    this.memory.touch(record);
    if (record.durable) {
      this.pendingLogs.set(record.requestId, (this.pendingLogs.get(record.requestId) ?? '') + chunk);
      this.logTimer ??= setTimeout(() => {
        void this.flushLogs();
      }, LOG_FLUSH_MS);
    }
    this.events.emit(`log:${record.requestId}`);
  }

  /** The finish writes the whole log, so lines still waiting for the batch are dropped from it. */
  private takePendingLog(requestId: string): void {
    this.pendingLogs.delete(requestId);
  }

  async flushLogs(): Promise<void> {
    this.logTimer = null;
    if (!this.pendingLogs.size) return;
    const batch = new Map(this.pendingLogs);
    this.pendingLogs.clear();
    await this.table.appendLogs(batch).catch((error: unknown) => {
      console.error(`[skypilot-ts] could not write request logs: ${(error as Error).message}`);
    });
  }

  async getLog(requestId: string): Promise<string> {
    const record = this.memory.get(requestId);
    if (record && (record.replicaId === this.replicaId || isFinishedRequest(record.status))) return record.log;
    return (await this.table.get(requestId))?.log ?? record?.log ?? '';
  }

  /**
   * The result's wire form (its JSON text quoted once more) when it is not simply `returnValue` to
   * quote in one step: the UTF-8 bytes of its spill file, or quoted in slices when big.
   */
  async quotedResult(record: RequestRecord): Promise<string | Buffer | Buffer[] | undefined> {
    // Read together, synchronously: a spill completing in between swaps both at once.
    const { spillFile, returnValue, returnValueQuoted, returnValueBytes } = record;
    if (spillFile) return this.spill.read(spillFile);
    if (returnValueBytes) return returnValueBytes;
    if (returnValueQuoted !== undefined || returnValue.length <= QUOTE_IN_ONE_STEP_CHARS) return returnValueQuoted;
    // Pieces, sent one by one: never joined or encoded as one (shared with a spill under way).
    return sharedQuoteInParts(record, returnValue);
  }

  /**
   * A finished request this process holds, visible to `viewer`, whose result is at hand in memory
   * (not spilled, not too big to quote in one step), with its quoted form when cached: what
   * `/api/get` answers without waiting. Else null, and the caller takes the long way (`find`, wait).
   */
  heldResult(requestId: string, viewer: Viewer): { record: RequestRecord; quoted: string | Buffer | undefined } | null {
    const record = this.memory.get(requestId);
    if (!record || !isFinishedRequest(record.status) || !canSee(viewer, record) || record.spillFile) return null;
    const quoted = record.returnValueBytes ?? record.returnValueQuoted;
    if (quoted === undefined && record.returnValue.length > QUOTE_IN_ONE_STEP_CHARS) return null;
    return { record, quoted };
  }

  /** The result was handed to its client (see MemoryRequests.markFetched). */
  markFetched(requestId: string): void {
    this.memory.markFetched(requestId);
  }

  /** A streamed request's output reached its client (see MemoryRequests.markStreamed). */
  markStreamed(requestId: string): void {
    this.memory.markStreamed(requestId);
  }

  /** How many requests this process holds that have not finished (for draining and metrics). */
  liveCount(): number {
    return this.memory.filter((r) => !isFinishedRequest(r.status)).length;
  }

  /** Newest first, without results, only what the viewer may see. */
  async list(query: ListQuery): Promise<RequestRecord[]> {
    const ids = query.requestIds ? new Set(query.requestIds) : null;
    const prefixes = query.idPrefixes ? query.requestIds : null;
    const idMatches = (id: string) => (prefixes ? prefixes.some((p) => id.startsWith(p)) : !ids || ids.has(id));
    const fromMemory = this.memory.filter(
      (r) =>
        canSee(query.viewer, r) &&
        idMatches(r.requestId) &&
        (!query.clusterName || r.clusterName === query.clusterName) &&
        (query.allStatus || !isFinishedRequest(r.status)) &&
        (query.before == null || r.createdAt < query.before),
    );
    // What this process holds is the freshest copy: a stored row of it may lag by a write.
    const fromDb = (await this.table.list(query)).filter((r) => this.memory.get(r.requestId) === undefined);
    const merged = new Map<string, RequestRecord>();
    for (const record of [...fromMemory, ...fromDb]) if (!merged.has(record.requestId)) merged.set(record.requestId, record);
    return [...merged.values()].sort((a, b) => b.createdAt - a.createdAt).slice(0, query.limit);
  }

  /** The request once finished, or as it stands after `timeoutMs` (how: requestWaits.ts). */
  waitUntilFinished(requestId: string, viewer: Viewer, timeoutMs: number): Promise<RequestRecord | null> {
    return waitUntilFinished(
      this.events,
      {
        get: (id) => this.get(id, viewer),
        // A request this replica runs announces its finish here: no poll needed.
        isOurs: (record) => record.replicaId === this.replicaId && this.memory.get(record.requestId) !== undefined,
        pollMs: this.db.crossProcessEvents ? 1000 : 100,
        wokenBy: this.waitsWokenBy,
      },
      requestId,
      timeoutMs,
    );
  }

  /** Resolves on new log output, on finish, or after `timeoutMs`. */
  waitForActivity(requestId: string, timeoutMs: number): Promise<void> {
    return Promise.race([this.events.waitFor(`log:${requestId}`, timeoutMs), this.events.waitFor(requestId, timeoutMs)]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.logTimer) clearTimeout(this.logTimer);
    await this.flushLogs();
    await this.flushReads();
    for (const off of this.unsubscribe) off();
    this.spill.close();
    await this.db.close();
  }
}
