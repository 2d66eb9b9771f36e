/**
 * Where results too many or too big for the memory tier go instead of being dropped: one file per
 * result, in a directory of this process's own (removed on close, and on start if a crashed run left
 * it). A file holds the result in the form `/api/get` sends it (the JSON text, quoted once more), so
 * answering from it is a read and a concatenation. Bounded in bytes and files: past either bound the
 * memory tier removes the oldest spilled results, fetched ones first (see memoryRequests.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open, readFile, rmdir, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface SpillLimits {
  /** Bytes of spilled results kept on disk. */
  maxBytes: number;
  /** Spilled results kept on disk. */
  maxFiles: number;
}

// Each spilled result keeps its small record in memory (a few KB of heap with its log): the file
// count bounds that memory too (20,000 x ~3 KB), as the bytes bound the disk.
export const DEFAULT_SPILL_LIMITS: SpillLimits = { maxBytes: 2 * 1024 * 1024 * 1024, maxFiles: 20_000 };

const PREFIX = 'skypilot-ts-results-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Spill directories of processes that are gone (a crash, a kill): their results can never be fetched. */
function removeOrphans(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(PREFIX) ? Number(name.slice(PREFIX.length).split('-')[0]) : Number.NaN;
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid))
      rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

export class ResultSpill {
  private seq = 0;
  private readonly dir: string;
  private closed = false;

  /** `parent`: where this process's spill directory is made (default: the system's temp directory). */
  constructor(
    parent: string = os.tmpdir(),
    readonly limits: SpillLimits = DEFAULT_SPILL_LIMITS,
  ) {
    removeOrphans(parent);
    this.dir = path.join(parent, `${PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /**
   * Writes the result's wire form, given as pieces (each encoded on its own, so no single step
   * encodes tens of megabytes); returns the file that holds it and its size in bytes.
   */
  async write(requestId: string, parts: readonly (string | Buffer)[]): Promise<{ file: string; bytes: number }> {
    if (this.closed) throw new Error('the result spill is closed');
    const file = path.join(this.dir, `${++this.seq}-${requestId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
    const handle = await open(file, 'w', 0o600);
    let bytes = 0;
    try {
      for (const part of parts)
        bytes += (typeof part === 'string' ? await handle.write(part, null, 'utf8') : await handle.write(part)).bytesWritten;
    } finally {
      await handle.close();
    }
    if (this.closed) {
      // Closed while this was written: the file would outlive the directory's removal. An open
      // already on its way when the directory was moved aside creates the file there, possibly after
      // close() listed what to remove (its rmdir then failed): removed here, with the directory once
      // it is empty (the last such write out removes it).
      const closing = this.closingDir();
      await unlink(file).catch(() => {});
      await unlink(path.join(closing, path.basename(file))).catch(() => {});
      await rmdir(closing).catch(() => {});
      throw new Error('the result spill is closed');
    }
    return { file, bytes };
  }

  /** Closed (the server is stopping): a write under way fails, and its result goes with the process. */
  get isClosed(): boolean {
    return this.closed;
  }

  read(file: string): Promise<Buffer> {
    return readFile(file);
  }

  remove(file: string): void {
    unlink(file).catch(() => {});
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Writes under way open their files on other threads: one could add a file while the directory
    // is being removed (ENOTEMPTY). Moved aside first, the directory takes no new file (an open of
    // its old path fails), and what it holds can be removed. A directory left behind by a failure
    // here is an orphan the next start removes.
    const closing = this.closingDir();
    try {
      renameSync(this.dir, closing);
      rmSync(closing, { recursive: true, force: true });
    } catch (error) {
      // ENOTEMPTY: a write's file came in meanwhile; that write removes it and the directory.
      if ((error as NodeJS.ErrnoException).code !== 'ENOTEMPTY')
        console.error(`[skypilot-ts] could not remove the result spill directory ${this.dir}: ${(error as Error).message}`);
    }
  }

  private closingDir(): string {
    return `${this.dir}.closing`;
  }
}
