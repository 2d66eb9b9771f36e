/** Storage objects (SkyPilot's `storage` table): buckets that tasks mount, listed by `sky storage ls`. */
import type { StorageStatus, StoreType } from '../vocab/statuses';
import type { StorageRecord } from './records';
import { parseJson } from './rowCodecs';
import type { StateContext } from './stateContext';
import { upsertRow } from './upsertRow';

export function createStorageState(ctx: StateContext) {
  return {
    /** Newest first. */
    async getStorage(): Promise<StorageRecord[]> {
      const db = await ctx.read();
      const rows = await db.selectFrom('storage').selectAll().orderBy('launched_at', 'desc').orderBy('name').execute();
      return rows.map((r) => ({
        name: r.name,
        launchedAt: r.launched_at,
        stores: parseJson<StoreType[]>(r.store, []),
        lastUse: r.last_use,
        status: r.status as StorageStatus,
        userHash: r.user_hash,
      }));
    },

    async addOrUpdateStorage(record: StorageRecord): Promise<void> {
      const values = { store: JSON.stringify(record.stores), last_use: record.lastUse, status: record.status };
      const row = { name: record.name, launched_at: record.launchedAt, user_hash: record.userHash, ...values };
      await ctx.write((trx) => upsertRow(trx, 'storage', 'name', row, values));
    },

    async removeStorage(name: string): Promise<boolean> {
      return ctx.write(async (trx) => (await trx.deleteFrom('storage').where('name', '=', name).executeTakeFirst()).numDeletedRows > 0n);
    },
  };
}

export type StorageState = ReturnType<typeof createStorageState>;
