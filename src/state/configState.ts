/**
 * Server configuration kept in the `config` table: the enabled-clouds cache per workspace and
 * capability (`enabled_clouds_<workspace>_<capability>`, a JSON list of names, returned as cloud
 * objects) and the workspaces map (SkyPilot keeps it in the server config; `default` always exists).
 */
import type { WorkspaceConfig, WorkspacesMap } from '../api/wireTypes';
import { type Cloud, cloudRegistry } from './clouds';
import { prepared, stateDb } from './database';
import type { CloudCapability } from './records';
import { parseJson } from './rowCodecs';

const WORKSPACES_KEY = 'workspaces';

function getConfigValue<T>(key: string, fallback: T): T {
  const row = prepared('SELECT value FROM config WHERE key = ?').get(key) as { value: string } | undefined;
  return parseJson<T>(row?.value, fallback);
}

function setConfigValue(key: string, value: unknown): void {
  prepared(`INSERT INTO config (key, value) VALUES (?, ?)
    ON CONFLICT(key) DO UPDATE SET value = excluded.value`).run(key, JSON.stringify(value));
}

export const configState = {
  async getCachedEnabledClouds(workspace = 'default', capability: CloudCapability = 'compute'): Promise<Cloud[]> {
    const names = getConfigValue<string[]>(`enabled_clouds_${workspace}_${capability}`, []);
    // A cloud this build no longer knows is skipped rather than failing the whole list.
    return names.filter((n) => cloudRegistry.isKnown(n)).map((n) => cloudRegistry.fromName(n));
  },

  async setEnabledClouds(clouds: (Cloud | string)[], workspace = 'default',
    capability: CloudCapability = 'compute'): Promise<void> {
    const names = clouds.map((c) => (typeof c === 'string' ? cloudRegistry.fromName(c) : c).canonicalName);
    setConfigValue(`enabled_clouds_${workspace}_${capability}`, [...new Set(names)]);
  },

  async getWorkspaces(): Promise<WorkspacesMap> {
    const stored = getConfigValue<WorkspacesMap>(WORKSPACES_KEY, {});
    return { default: {}, ...stored };
  },

  async setWorkspace(name: string, config: WorkspaceConfig): Promise<void> {
    const db = stateDb();
    db.transaction(() => {
      const all = getConfigValue<WorkspacesMap>(WORKSPACES_KEY, {});
      all[name] = config;
      setConfigValue(WORKSPACES_KEY, all);
    }).immediate();
  },

  async deleteWorkspace(name: string): Promise<boolean> {
    const db = stateDb();
    let existed = false;
    db.transaction(() => {
      const all = getConfigValue<WorkspacesMap>(WORKSPACES_KEY, {});
      existed = Object.hasOwn(all, name);
      delete all[name];
      setConfigValue(WORKSPACES_KEY, all);
    }).immediate();
    return existed;
  },

  async getSshNodePools(): Promise<Record<string, unknown>> {
    return getConfigValue<Record<string, unknown>>('ssh_node_pools', {});
  },
};
