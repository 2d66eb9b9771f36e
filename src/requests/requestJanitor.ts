/**
 * Keeps the request store bounded and honest, on a timer, in small steps (no pass holds the event
 * loop for long):
 * - finished requests leave the database after their retention (durable: a day; reads: minutes);
 * - past the size bound, the oldest finished requests go, reads first;
 * - this replica heartbeats; unfinished requests of a replica whose lease ran out (it crashed) are
 *   settled by whoever notices, and on start a replica settles its own leftovers from before a restart:
 *   SUCCEEDED when their change committed (the state records it with the change), else FAILED and
 *   retryable (nothing happened).
 */
import type { RequestStore } from './requestStore';

export interface JanitorOptions {
  durableRetentionSeconds: number;
  readRetentionSeconds: number;
  maxDbBytes: number;
  intervalMs?: number;
  leaseSeconds?: number;
  log?: (line: string) => void;
}

const PRUNE_BATCH = 500;
const MAX_BATCHES_PER_PASS = 20;

export const INTERRUPTED = {
  type: 'ServerRestarted',
  message: 'The API server running this request stopped before it finished.',
};

export class RequestJanitor {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly startedAt = Date.now() / 1000;

  constructor(
    private readonly store: RequestStore,
    private readonly options: JanitorOptions,
  ) {}

  private get leaseSeconds(): number {
    return this.options.leaseSeconds ?? 20;
  }

  /** Claims this replica's lease and fails what a previous run of it left unfinished. */
  async start(): Promise<number> {
    await this.store.table.heartbeat(this.store.replicaId, this.startedAt);
    const failed = await this.store.table.failOrphans([this.store.replicaId], INTERRUPTED, (ids) => this.store.changesCommitted(ids));
    const interval = this.options.intervalMs ?? Math.min(5000, (this.leaseSeconds * 1000) / 4);
    this.timer = setInterval(() => {
      void this.pass();
    }, interval);
    this.timer.unref();
    return failed;
  }

  /** One round of upkeep; overlapping rounds are skipped. */
  async pass(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const { table } = this.store;
      this.store.memory.evict();
      await table.heartbeat(this.store.replicaId, this.startedAt);
      const expired = (await table.expiredReplicas(this.leaseSeconds)).filter((id) => id !== this.store.replicaId);
      if (expired.length) {
        const failed = await table.failOrphans(expired, INTERRUPTED, (ids) => this.store.changesCommitted(ids));
        await table.forgetReplicas(expired);
        if (failed) this.options.log?.(`[skypilot-ts] failed ${failed} request(s) of stopped replica(s) ${expired.join(', ')}`);
      }
      const now = Date.now() / 1000;
      for (let i = 0; i < MAX_BATCHES_PER_PASS; i++) {
        const pruned = await table.prune(now - this.options.durableRetentionSeconds, now - this.options.readRetentionSeconds, PRUNE_BATCH);
        if (pruned < PRUNE_BATCH) break;
      }
      // The records of committed changes are kept as long as the requests they vouch for.
      for (let i = 0; i < MAX_BATCHES_PER_PASS && this.store.effects; i++) {
        if ((await this.store.effects.prune(now - this.options.durableRetentionSeconds, PRUNE_BATCH)) < PRUNE_BATCH) break;
      }
      for (let i = 0; i < MAX_BATCHES_PER_PASS && (await table.sizeBytes()) > this.options.maxDbBytes; i++) {
        if ((await table.pruneOldest(PRUNE_BATCH)) === 0) break;
      }
    } catch (error) {
      this.options.log?.(`[skypilot-ts] request store upkeep failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** Stops the timer and gives up the lease (a clean shutdown leaves nothing for others to fail). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.store.table.removeReplica(this.store.replicaId).catch(() => {});
  }
}
