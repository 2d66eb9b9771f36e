/**
 * Reads of an SQLite file run off the event loop: worker threads, each with its own read-only
 * connection to the same file (WAL lets them read while the main connection writes), run a query and
 * send its rows back in slices, so a 200,000-row history read never holds the loop for its length and
 * the rows arrive as several small messages that other work interleaves with. Reads inside a write
 * transaction stay on the main connection (they must see the transaction's own writes).
 */
import { Worker } from 'node:worker_threads';

/** Rows per message: small enough that decoding one message is a millisecond or two. */
const ROWS_PER_MESSAGE = 500;

// Plain JavaScript, evaluated in the worker: it runs the same under ts-jest and from dist/.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 1000');
const statements = new Map();
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= 500) statements.clear();
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    let chunk = [];
    for (const row of statement.iterate(...parameters)) {
      chunk.push(row);
      if (chunk.length >= ${ROWS_PER_MESSAGE}) {
        parentPort.postMessage({ id, rows: chunk, done: false });
        chunk = [];
      }
    }
    parentPort.postMessage({ id, rows: chunk, done: true });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

interface Pending {
  rows: unknown[];
  resolve(rows: unknown[]): void;
  reject(error: Error): void;
}

type Reply = { id: number; rows: unknown[]; done: boolean } | { id: number; error: { message: string; code?: string } };

class ReadWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;

  constructor(file: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path: file, driver: require.resolve('better-sqlite3') } });
    // An idle pool keeps no process alive.
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.receive(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', () => this.fail(new Error('SQLite read worker exited')));
  }

  get load(): number {
    return this.pending.size;
  }

  get broken(): boolean {
    return this.failure !== null;
  }

  run(id: number, sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { rows: [], resolve, reject });
      this.worker.postMessage({ id, sql, parameters });
    });
  }

  private receive(reply: Reply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    if ('error' in reply) {
      this.pending.delete(reply.id);
      pending.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      return;
    }
    for (const row of reply.rows) pending.rows.push(row);
    if (reply.done) {
      this.pending.delete(reply.id);
      pending.resolve(pending.rows);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

export class SqliteReadWorkers {
  private readonly workers: ReadWorker[];
  private nextId = 0;

  constructor(file: string, size: number) {
    this.workers = Array.from({ length: size }, () => new ReadWorker(file));
  }

  /** The rows of a read; null when no worker is usable (the caller reads on the main connection). */
  read(sql: string, parameters: readonly unknown[]): Promise<unknown[]> | null {
    const usable = this.workers.filter((w) => !w.broken);
    if (!usable.length) return null;
    const idlest = usable.reduce((best, w) => (w.load < best.load ? w : best));
    return idlest.run(++this.nextId, sql, parameters);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
