/**
 * Server configuration kept in the `config` table: the enabled-clouds cache per workspace and
 * capability (`enabled_clouds_<workspace>_<capability>`, a JSON list of names, returned as cloud
 * objects) and the workspaces map (SkyPilot keeps it in the server config; `default` always exists).
 */
import type { Kysely } from 'kysely';
import type { CloudCapability } from '../vocab/statuses';
import { DEFAULT_WORKSPACE, type WorkspaceConfig, type WorkspacesMap } from '../vocab/workspaces';
import { type Cloud, cloudRegistry } from './clouds';
import { parseJson } from './rowCodecs';
import type { StateContext } from './stateContext';
import type { StateSchema } from './stateSchema';

const WORKSPACES_KEY = 'workspaces';
/** The rest of the server config (upstream's `~/.sky/config.yaml` without `workspaces`). */
const SERVER_CONFIG_KEY = 'server_config';

async function getConfigValue<T>(db: Kysely<StateSchema>, key: string, fallback: T): Promise<T> {
  const row = await db.selectFrom('config').select('value').where('key', '=', key).executeTakeFirst();
  return parseJson<T>(row?.value, fallback);
}

async function setConfigValue(db: Kysely<StateSchema>, key: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  await db
    .insertInto('config')
    .values({ key, value: text })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text }))
    .execute();
}

export function createConfigState(ctx: StateContext) {
  return {
    async getCachedEnabledClouds(workspace = DEFAULT_WORKSPACE, capability: CloudCapability = 'compute'): Promise<Cloud[]> {
      const db = await ctx.read();
      const names = await getConfigValue<string[]>(db, `enabled_clouds_${workspace}_${capability}`, []);
      // A cloud this build no longer knows is skipped rather than failing the whole list.
      return names.filter((n) => cloudRegistry.isKnown(n)).map((n) => cloudRegistry.fromName(n));
    },

    async setEnabledClouds(
      clouds: (Cloud | string)[],
      workspace = DEFAULT_WORKSPACE,
      capability: CloudCapability = 'compute',
    ): Promise<void> {
      const names = clouds.map((c) => (typeof c === 'string' ? cloudRegistry.fromName(c) : c).canonicalName);
      await ctx.write((trx) => setConfigValue(trx, `enabled_clouds_${workspace}_${capability}`, [...new Set(names)]));
    },

    async getWorkspaces(): Promise<WorkspacesMap> {
      const db = await ctx.read();
      const stored = await getConfigValue<WorkspacesMap>(db, WORKSPACES_KEY, {});
      return { [DEFAULT_WORKSPACE]: {}, ...stored };
    },

    async setWorkspace(name: string, config: WorkspaceConfig): Promise<void> {
      await ctx.write(async (trx) => {
        const all = await getConfigValue<WorkspacesMap>(trx, WORKSPACES_KEY, {});
        all[name] = config;
        await setConfigValue(trx, WORKSPACES_KEY, all);
      });
    },

    async deleteWorkspace(name: string): Promise<boolean> {
      return ctx.write(async (trx) => {
        const all = await getConfigValue<WorkspacesMap>(trx, WORKSPACES_KEY, {});
        const existed = Object.hasOwn(all, name);
        delete all[name];
        await setConfigValue(trx, WORKSPACES_KEY, all);
        return existed;
      });
    },

    /** The server config's sections other than `workspaces`, as stored: may hold secrets. */
    async getServerConfig(): Promise<Record<string, unknown>> {
      const db = await ctx.read();
      return getConfigValue<Record<string, unknown>>(db, SERVER_CONFIG_KEY, {});
    },

    async setServerConfig(config: Record<string, unknown>): Promise<void> {
      await ctx.write((trx) => setConfigValue(trx, SERVER_CONFIG_KEY, config));
    },

    /** Replaces the whole workspaces map (a config save); `default` is kept whatever the map says. */
    async setWorkspaces(all: WorkspacesMap): Promise<void> {
      await ctx.write((trx) => setConfigValue(trx, WORKSPACES_KEY, all));
    },

    async getSshNodePools(): Promise<Record<string, unknown>> {
      const db = await ctx.read();
      return getConfigValue<Record<string, unknown>>(db, 'ssh_node_pools', {});
    },
  };
}

export type ConfigState = ReturnType<typeof createConfigState>;
