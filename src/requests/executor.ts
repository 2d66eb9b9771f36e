/**
 * Runs scheduled requests in-process, in two pools as SkyPilot does: `short` for quick reads and
 * state changes, `long` for launches and starts, so a slow launch never holds up `/status`. Each pool
 * has a bounded queue: past it, new requests are refused with a typed 503 before they are accepted,
 * so a flood cannot grow memory without bound. Outcomes go to the request store.
 */
import { AsyncResource } from 'node:async_hooks';
import type { MaybePromise } from '../common/maybeAsync';
import { DatabaseBusyError } from '../db/databaseBusy';
import { HttpError, SkyPilotError } from '../errors';
import type { Identity } from '../state/currentUser';
import type { ScheduleType } from '../vocab/statuses';
import type { RequestError, RequestRecord } from './requestRecord';
import type { RequestStore } from './requestStore';
import { RECOVERED_MSG } from './requestsTable';
import { serializeYielding } from './yieldingJson';

/** What a scheduled operation receives while it runs. */
export interface RunContext {
  requestId: string;
  user: Identity;
  signal: AbortSignal;
  log(text: string): void;
}

/** A scheduled operation's body; its return value becomes the request's `return_value`. */
export type RequestBody = (ctx: RunContext) => Promise<unknown>;

/**
 * The result's JSON text: operations may return it pre-serialised (a cached `/status`). The payload
 * carries it as a JSON string, so its quoted form is computed once and shared by every request that
 * returns the same cached text.
 */
export class JsonText {
  private quotedText: string | null = null;
  private quotedUtf8: Buffer | null = null;

  constructor(readonly text: string) {}

  get quoted(): string {
    this.quotedText ??= JSON.stringify(this.text);
    return this.quotedText;
  }

  /** `quoted` as UTF-8, encoded once for every answer that carries it (sent as bytes, never re-encoded). */
  get quotedBytes(): Buffer {
    this.quotedUtf8 ??= Buffer.from(this.quoted);
    return this.quotedUtf8;
  }
}

/** A result recorded from cached JSON text: its quoted forms go with it, computed once for all. */
function keepQuoted(record: RequestRecord, value: JsonText): void {
  record.returnValueQuoted = value.quoted;
  record.returnValueBytes = value.quotedBytes;
}

export interface ExecutorOptions {
  shortConcurrency?: number;
  longConcurrency?: number;
  shortQueueLimit?: number;
  longQueueLimit?: number;
}

interface Job {
  record: RequestRecord;
  user: Identity;
  body: RequestBody;
}

export class ServerBusyError extends HttpError {
  constructor(queue: ScheduleType) {
    super(503, 'server_busy', 'ServerBusy', `The server's ${queue} request queue is full; try again shortly.`, undefined, 2);
  }
}

/** The wire form of an error: SkyPilot's exception class name and message, never a stack. */
export function serializeError(error: unknown): RequestError {
  if (error instanceof SkyPilotError || error instanceof HttpError) return { type: error.type, message: error.message };
  if (error instanceof Error && error.name && error.name !== 'Error') return { type: error.name, message: error.message };
  return { type: 'InternalError', message: error instanceof Error ? error.message : String(error) };
}

/**
 * A pool of `size` running jobs. A job with a free slot and nobody waiting starts at once. Waiting
 * jobs are kept per client (the address that sent them) and started round-robin, one client's next
 * job after another's: a burst of a thousand from one address waits behind itself, not in front of
 * everyone else's. A waiting job starts in a turn of its own (setImmediate), so the pool never chains
 * job after job in one stretch of the event loop: a job that never waits for I/O (SQLite reads are
 * synchronous) would otherwise let a queue of them hold the loop, and every other connection, until
 * the last one ends.
 */
class Pool {
  private running = 0;
  private waiting = 0;
  /** Waiting jobs by client; a Map keeps the round-robin order (a served client goes to the back). */
  private readonly queues = new Map<string, Job[]>();
  private scheduled = false;

  constructor(
    private readonly size: number,
    readonly queueLimit: number,
    private readonly run: (job: Job) => Promise<void>,
  ) {}

  get depth(): number {
    return this.waiting;
  }

  get active(): number {
    return this.running;
  }

  hasRoom(): boolean {
    return this.waiting < this.queueLimit;
  }

  push(job: Job, client: string): void {
    // A job with a free slot starts now, synchronously, already in its submitter's async context (the
    // request's scope, e.g. a demo session). One that has to wait starts later from the pool's own
    // turn: bound here, it still runs in its submitter's context.
    if (this.running < this.size && !this.waiting) {
      this.start(job);
      return;
    }
    const queue = this.queues.get(client);
    const bound = { ...job, body: AsyncResource.bind(job.body) };
    if (queue) queue.push(bound);
    else this.queues.set(client, [bound]);
    this.waiting += 1;
    this.schedule();
  }

  private start(job: Job): void {
    this.running += 1;
    void this.run(job).finally(() => {
      this.running -= 1;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running >= this.size || !this.waiting) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startNext();
      this.schedule();
    });
  }

  /** The next client's oldest waiting job. */
  private startNext(): void {
    if (this.running >= this.size || !this.waiting) return;
    const [client, queue] = this.queues.entries().next().value as [string, Job[]];
    const job = queue.shift() as Job;
    this.queues.delete(client);
    if (queue.length) this.queues.set(client, queue);
    this.waiting -= 1;
    this.start(job);
  }
}

export class RequestExecutor {
  private readonly controllers = new Map<string, AbortController>();
  private readonly pools: Record<ScheduleType, Pool>;

  constructor(
    readonly store: RequestStore,
    options: ExecutorOptions = {},
  ) {
    this.pools = {
      short: new Pool(options.shortConcurrency ?? 16, options.shortQueueLimit ?? 2000, (job) => this.execute(job)),
      long: new Pool(options.longConcurrency ?? 4, options.longQueueLimit ?? 200, (job) => this.execute(job)),
    };
    store.onRemoteCancel((id) => this.controllers.get(id)?.abort());
  }

  /** Throws ServerBusyError when the queue is full: check before accepting a request. */
  assertRoom(queue: ScheduleType): void {
    if (!this.pools[queue].hasRoom()) throw new ServerBusyError(queue);
  }

  /** Live requests per queue (running and waiting), for metrics. */
  load(): Record<ScheduleType, { running: number; queued: number }> {
    return {
      short: { running: this.pools.short.active, queued: this.pools.short.depth },
      long: { running: this.pools.long.active, queued: this.pools.long.depth },
    };
  }

  /** `client`: who sent it (an address), whose waiting jobs take turns with other clients'. */
  submit(record: RequestRecord, user: Identity, body: RequestBody, client: string = record.owner ?? ''): void {
    this.controllers.set(record.requestId, new AbortController());
    this.pools[record.scheduleType].push({ record, user, body }, client);
  }

  /** `submit`, the client first (the body, a function, reads best last). */
  submitFrom(client: string, record: RequestRecord, user: Identity, body: RequestBody): void {
    this.submit(record, user, body, client);
  }

  /**
   * A read whose answer was already serialised (`ScheduledSpec.fromSnapshot`): recorded as `execute`
   * records a success, without a queue slot, since nothing is left to run.
   */
  settle(record: RequestRecord, value: JsonText): MaybePromise<void> {
    if (record.status !== 'PENDING') return;
    // A read held in memory only (the hot case): recorded at once.
    if (!record.durable) {
      this.store.setRunning(record);
      keepQuoted(record, value);
      this.store.finishRead(record, 'SUCCEEDED', value.text, null);
      return;
    }
    return (async () => {
      try {
        await this.store.setRunning(record);
        keepQuoted(record, value);
        await this.store.finish(record, 'SUCCEEDED', value.text, null);
      } catch (error) {
        await this.store.finish(record, 'FAILED', 'null', serializeError(error)).catch(() => {});
      }
    })();
  }

  private async execute(job: Job): Promise<void> {
    const { record } = job;
    const controller = this.controllers.get(record.requestId) ?? new AbortController();
    try {
      if (controller.signal.aborted || record.status !== 'PENDING') return;
      await this.store.setRunning(record);
      let outcome: { status: 'SUCCEEDED' | 'FAILED'; value: string; error: RequestError | null };
      try {
        const value = await job.body({
          requestId: record.requestId,
          user: job.user,
          signal: controller.signal,
          log: (text) => this.store.appendLog(record, text),
        });
        if (value instanceof JsonText) keepQuoted(record, value);
        // A big result (a 50,000-job fetch) is serialised in slices, never in one stall of the loop.
        outcome = { status: 'SUCCEEDED', value: value instanceof JsonText ? value.text : await serializeYielding(value), error: null };
      } catch (caught) {
        outcome = { status: 'FAILED', value: 'null', error: serializeError(caught) };
        // A database too busy to take the change: its transaction rolled back, so unless the ledger
        // shows an earlier change of it committed, nothing happened and the client may send it again
        // (as after ServerRestarted); a check that fails leaves it as it was.
        if (caught instanceof DatabaseBusyError) {
          const committed = await this.store.changesCommitted([record.requestId]).catch(() => null);
          if (committed && !committed.has(record.requestId)) record.shouldRetry = true;
        }
      }
      if (!controller.signal.aborted) await this.store.finish(record, outcome.status, outcome.value, outcome.error);
    } catch (error) {
      // The store itself failed (database busy or gone): the request still ends, as FAILED.
      await this.store.finish(record, 'FAILED', 'null', serializeError(error)).catch(() => {});
    } finally {
      this.controllers.delete(record.requestId);
    }
  }

  /**
   * Waits up to `graceMs` for live requests to finish (a clean shutdown); what is still live then is
   * settled as what it did: SUCCEEDED when its change committed, else failed with `ServerRestarted`,
   * marked retryable, so its client can send it again elsewhere.
   */
  async drain(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (this.controllers.size && Date.now() < deadline)
      await new Promise((resolve) => {
        setTimeout(resolve, 20);
      });
    const left = [...this.controllers.keys()];
    // Given up first: from here no change of theirs commits (requestEffects.ts), so what the
    // ledger says next is final.
    for (const id of left) this.controllers.get(id)?.abort();
    const committed = await this.store.changesCommitted(left).catch(() => new Set<string>());
    for (const id of left) {
      const record = await this.store.get(id);
      if (!record) continue;
      if (committed.has(id)) {
        record.statusMsg = RECOVERED_MSG;
        await this.store.finish(record, 'SUCCEEDED', 'null', null).catch(() => {});
        continue;
      }
      record.shouldRetry = true;
      await this.store
        .finish(record, 'FAILED', 'null', {
          type: 'ServerRestarted',
          message: 'The API server stopped before this request finished; retry it.',
        })
        .catch(() => {});
    }
  }

  /** True when the request was unfinished and is now CANCELLED. */
  async cancel(requestId: string): Promise<boolean> {
    this.controllers.get(requestId)?.abort();
    return this.store.cancel(requestId);
  }
}
