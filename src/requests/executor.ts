/**
 * Runs scheduled requests in-process, in two pools as SkyPilot does: `short` for quick reads and
 * state changes, `long` for launches and starts, so a slow launch never holds up `/status`. Each pool
 * has a bounded queue: past it, new requests are refused with a typed 503 before they are accepted,
 * so a flood cannot grow memory without bound. Outcomes go to the request store.
 */
import { AsyncResource } from 'node:async_hooks';
import type { MaybePromise } from '../common/maybeAsync';
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

class Pool {
  private running = 0;
  private readonly queue: Job[] = [];

  constructor(
    private readonly size: number,
    readonly queueLimit: number,
    private readonly run: (job: Job) => Promise<void>,
  ) {}

  get depth(): number {
    return this.queue.length;
  }

  get active(): number {
    return this.running;
  }

  hasRoom(): boolean {
    return this.queue.length < this.queueLimit;
  }

  push(job: Job): void {
    // A job that has to wait starts later from another job's completion, in that job's async
    // context; bound here, it runs in its submitter's (the request's scope, e.g. a demo session).
    // A job with a free slot starts now, synchronously, already in the right context.
    this.queue.push(this.running < this.size ? job : { ...job, body: AsyncResource.bind(job.body) });
    this.drain();
  }

  private drain(): void {
    while (this.running < this.size && this.queue.length) {
      const job = this.queue.shift()!;
      this.running += 1;
      void this.run(job).finally(() => {
        this.running -= 1;
        this.drain();
      });
    }
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

  submit(record: RequestRecord, user: Identity, body: RequestBody): void {
    this.controllers.set(record.requestId, new AbortController());
    this.pools[record.scheduleType].push({ record, user, body });
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
