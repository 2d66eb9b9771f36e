/**
 * Runs scheduled requests in-process, in two pools as SkyPilot does: `short` for quick reads and
 * state changes, `long` for launches and starts, so a slow launch never holds up `/status`.
 * Outcomes go to the request store; waiters on `/api/get` are woken when a request finishes.
 */
import { EventEmitter } from 'node:events';
import type { RequestPayload, RequestStatusName, ScheduleType } from '../api/wireTypes';
import { HttpError, SkyPilotError } from '../errors';
import type { Identity } from '../state/currentUser';
import { FINISHED_STATUSES, type RequestStore } from './requestStore';

export interface RequestContext {
  requestId: string;
  user: Identity;
  signal: AbortSignal;
  log(text: string): void;
}

export type RequestHandler = (ctx: RequestContext) => Promise<unknown>;

export interface ExecutorOptions {
  shortConcurrency?: number;
  longConcurrency?: number;
}

interface Job {
  requestId: string;
  user: Identity;
  handler: RequestHandler;
}

/** The wire form of an error: SkyPilot's exception class name and message, never a stack. */
export function serializeError(error: unknown): { type: string; message: string } {
  if (error instanceof SkyPilotError || error instanceof HttpError) return { type: error.type, message: error.message };
  if (error instanceof Error && error.name && error.name !== 'Error') return { type: error.name, message: error.message };
  return { type: 'InternalError', message: error instanceof Error ? error.message : String(error) };
}

class Pool {
  private running = 0;
  private readonly queue: Job[] = [];

  constructor(private readonly size: number, private readonly run: (job: Job) => Promise<void>) {}

  push(job: Job): void {
    this.queue.push(job);
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
  private readonly events = new EventEmitter();
  private readonly controllers = new Map<string, AbortController>();
  private readonly pools: Record<ScheduleType, Pool>;

  constructor(readonly store: RequestStore, options: ExecutorOptions = {}) {
    this.events.setMaxListeners(0);
    this.pools = {
      short: new Pool(options.shortConcurrency ?? 16, (job) => this.execute(job)),
      long: new Pool(options.longConcurrency ?? 4, (job) => this.execute(job)),
    };
  }

  submit(payload: RequestPayload, user: Identity, handler: RequestHandler): void {
    this.controllers.set(payload.request_id, new AbortController());
    this.pools[payload.schedule_type].push({ requestId: payload.request_id, user, handler });
  }

  private async execute(job: Job): Promise<void> {
    const controller = this.controllers.get(job.requestId) ?? new AbortController();
    if (controller.signal.aborted) return;
    this.store.setStatus(job.requestId, 'RUNNING');
    let status: RequestStatusName = 'SUCCEEDED';
    let value: unknown = null;
    let error: unknown = null;
    try {
      value = await job.handler({
        requestId: job.requestId,
        user: job.user,
        signal: controller.signal,
        log: (text) => this.store.appendLog(job.requestId, text),
      });
    } catch (caught) {
      status = 'FAILED';
      error = serializeError(caught);
    }
    if (!controller.signal.aborted) this.store.finish(job.requestId, status, value, error);
    this.settle(job.requestId);
  }

  /** True when the request was unfinished and is now CANCELLED. */
  cancel(requestId: string): boolean {
    const cancelled = this.store.finish(requestId, 'CANCELLED', null, null);
    this.controllers.get(requestId)?.abort();
    if (cancelled) this.settle(requestId);
    return cancelled;
  }

  private settle(requestId: string): void {
    this.controllers.delete(requestId);
    this.events.emit(requestId);
  }

  /** The request once finished, or as it stands when `timeoutMs` runs out; null for an unknown id. */
  async waitUntilFinished(requestId: string, timeoutMs: number): Promise<RequestPayload | null> {
    const current = this.store.get(requestId);
    if (!current || FINISHED_STATUSES.has(current.status)) return current;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off(requestId, done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.events.on(requestId, done);
    });
    return this.store.get(requestId);
  }

  /** Resolves on every new log line or when the request finishes (for `/api/stream`). */
  onceActivity(requestId: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.events.once(requestId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
