/** `sky storage ls`: the storage objects, in upstream's record shape. */
import { globalUserState } from '../state/globalUserState';
import type { StorageStatus, StoreType } from '../vocab/statuses';

export interface StorageListRecord {
  name: string;
  launched_at: number;
  store: StoreType[];
  last_use: string;
  status: StorageStatus;
}

export async function listStorage(): Promise<StorageListRecord[]> {
  return (await globalUserState.getStorage()).map((s) => ({
    name: s.name,
    launched_at: Math.floor(s.launchedAt),
    store: s.stores,
    last_use: s.lastUse,
    status: s.status,
  }));
}
