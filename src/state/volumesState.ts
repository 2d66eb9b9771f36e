/** Volumes (SkyPilot's `volumes` table): persistent disks or PVCs that clusters attach. */
import type { VolumeStatus } from '../vocab/statuses';
import { cloudRegistry } from './clouds';
import { ownedRows } from './ownedRows';
import type { Volume } from './records';
import { parseJson } from './rowCodecs';
import type { StateContext } from './stateContext';
import { upsertRow } from './upsertRow';

/** What the `config` column holds besides the row's own columns. */
interface StoredVolumeConfig {
  type: string;
  cloud: string;
  region: string | null;
  zone: string | null;
  size_gb: number;
  name_on_cloud: string;
  config: Record<string, unknown>;
  usedby_pods: string[];
  usedby_clusters: string[];
}

export function createVolumesState(ctx: StateContext) {
  return {
    /** Newest first. */
    async getVolumes(): Promise<Volume[]> {
      const rows = await ownedRows(await ctx.read(), 'volumes', [['launched_at', 'desc']]);
      return rows.map((r) => {
        const c = parseJson<StoredVolumeConfig>(r.config, {} as StoredVolumeConfig);
        return {
          name: r.name,
          type: c.type,
          launchedAt: r.launched_at,
          cloud: cloudRegistry.fromName(c.cloud),
          region: c.region,
          zone: c.zone,
          sizeGb: c.size_gb,
          config: c.config ?? {},
          nameOnCloud: c.name_on_cloud,
          userHash: r.user_hash,
          userName: r.user_name,
          workspace: r.workspace,
          lastAttachedAt: r.last_attached_at,
          lastUse: r.last_use,
          status: r.status as VolumeStatus,
          usedbyPods: c.usedby_pods ?? [],
          usedbyClusters: c.usedby_clusters ?? [],
        };
      });
    },

    async addVolume(volume: Omit<Volume, 'userName'>): Promise<void> {
      const config: StoredVolumeConfig = {
        type: volume.type,
        cloud: volume.cloud.name,
        region: volume.region,
        zone: volume.zone,
        size_gb: volume.sizeGb,
        name_on_cloud: volume.nameOnCloud,
        config: volume.config,
        usedby_pods: volume.usedbyPods,
        usedby_clusters: volume.usedbyClusters,
      };
      const changes = { config: JSON.stringify(config), status: volume.status };
      const row = {
        name: volume.name,
        launched_at: volume.launchedAt,
        user_hash: volume.userHash,
        workspace: volume.workspace,
        last_attached_at: volume.lastAttachedAt,
        last_use: volume.lastUse,
        ...changes,
      };
      await ctx.write((trx) => upsertRow(trx, 'volumes', 'name', row, changes));
    },

    async deleteVolume(name: string): Promise<boolean> {
      return ctx.write(async (trx) => (await trx.deleteFrom('volumes').where('name', '=', name).executeTakeFirst()).numDeletedRows > 0n);
    },
  };
}

export type VolumesState = ReturnType<typeof createVolumesState>;
