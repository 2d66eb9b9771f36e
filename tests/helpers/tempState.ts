/**
 * A temporary state database per test file: `useTempStateDb()` registers beforeAll/afterAll hooks
 * that open `<tmpdir>/state.db` through the `globalUserState` seam and close it afterwards. The
 * managed-jobs seam shares the same connection (both open `stateDb()`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { globalUserState } from '../../src/state/globalUserState';
import { createTestDatabase, type TestDatabase } from './testBackend';

export function makeTempDir(prefix = 'skyts-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface TempState {
  dir: string;
  /** The SQLite file ('' on PostgreSQL). */
  dbPath: string;
  database?: TestDatabase;
}

/** Opens a fresh state store (a file in a new temp dir, or a PostgreSQL database); close it after. */
export async function openTempState(): Promise<TempState> {
  const dir = makeTempDir('skyts-state-');
  const database = await createTestDatabase(dir, 'state.db');
  await globalUserState.init({ target: database.target });
  return { dir, dbPath: database.target.kind === 'sqlite' ? database.target.path : '', database };
}

export async function closeTempState(state: TempState | undefined): Promise<void> {
  await globalUserState.close();
  await state?.database?.drop();
  if (state) removeDir(state.dir);
}

/** Registers the hooks; the returned object is filled in by beforeAll. */
export function useTempStateDb(): TempState {
  const state: TempState = { dir: '', dbPath: '' };
  beforeAll(async () => {
    Object.assign(state, await openTempState());
  });
  afterAll(async () => {
    await closeTempState(state);
  });
  return state;
}
