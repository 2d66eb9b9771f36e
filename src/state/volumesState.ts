/** Volumes (SkyPilot's `volumes` table): persistent disks or PVCs that clusters attach. */
import { cloudRegistry } from './clouds';
import { prepared } from './database';
import type { Volume } from './records';
import { parseJson } from './rowCodecs';

interface VolumeRow {
  name: string;
  launched_at: number;
  config: string;
  user_hash: string;
  user_name: string | null;
  workspace: string;
  last_attached_at: number | null;
  last_use: string;
  status: string;
}

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

export const volumesState = {
  async getVolumes(): Promise<Volume[]> {
    const rows = prepared(`SELECT v.*, u.name AS user_name FROM volumes v
      LEFT JOIN users u ON u.id = v.user_hash ORDER BY v.launched_at DESC`).all() as VolumeRow[];
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
        status: r.status as Volume['status'],
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
    prepared(`INSERT INTO volumes (name, launched_at, config, user_hash, workspace, last_attached_at,
        last_use, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(name) DO UPDATE SET config = excluded.config, status = excluded.status`)
      .run(volume.name, volume.launchedAt, JSON.stringify(config), volume.userHash, volume.workspace,
        volume.lastAttachedAt, volume.lastUse, volume.status);
  },

  async deleteVolume(name: string): Promise<boolean> {
    return prepared('DELETE FROM volumes WHERE name = ?').run(name).changes > 0;
  },
};
