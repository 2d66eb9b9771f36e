/** Workspace endpoints (scheduled, as SkyPilot's workspaces router). */
import { z } from 'zod';
import { type Endpoint, scheduledEndpoint, scheduledQuery } from '../http/endpoint';
import { baseBody } from '../http/validate';
import * as serverConfig from '../operations/serverConfig';
import * as workspaces from '../operations/workspaces';
import { mayUseWorkspace } from '../operations/workspaceMembership';
import { roleOfViewer } from '../requests/requestRecord';
import { globalUserState } from '../state/globalUserState';
import { dashboardSection } from './dashboardConfigRoutes';
import { WORKSPACE_NAME_MAX_LENGTH, WORKSPACE_NAME_PATTERN, WORKSPACE_NAME_RULE } from '../vocab/names';

export const workspaceName = z
  .string()
  .min(1)
  .max(WORKSPACE_NAME_MAX_LENGTH)
  .regex(WORKSPACE_NAME_PATTERN, `workspace names ${WORKSPACE_NAME_RULE}`);
const config = z.record(z.string().max(256), z.unknown());
const upsertBody = z.looseObject({ ...baseBody, workspace_name: workspaceName, config });
const deleteBody = z.looseObject({ ...baseBody, workspace_name: workspaceName });
const configBody = z.looseObject({
  ...baseBody,
  config: z.looseObject({
    workspaces: z
      .record(
        workspaceName,
        config.nullable().transform((c) => c ?? {}),
      )
      .optional(),
    dashboard: dashboardSection.optional(),
  }),
});

export const workspaceEndpoints: Endpoint[] = [
  // A non-admin sees only the workspaces they may use, as upstream's `get_workspaces`.
  scheduledQuery('/workspaces', {
    role: 'viewer',
    name: 'sky.workspaces.get',
    run: async (_, ctx) => {
      const all = await globalUserState.getWorkspaces();
      if (roleOfViewer(ctx.caller.viewer) === 'admin') return all;
      return Object.fromEntries(Object.entries(all).filter(([, config]) => mayUseWorkspace(config, ctx.caller.identity)));
    },
  }),
  scheduledEndpoint('POST', '/workspaces/create', {
    role: 'admin',
    name: 'sky.workspaces.create',
    effect: 'write',
    schema: upsertBody,
    run: workspaces.createWorkspace,
  }),
  scheduledEndpoint('POST', '/workspaces/update', {
    role: 'admin',
    name: 'sky.workspaces.update',
    effect: 'write',
    schema: upsertBody,
    run: workspaces.updateWorkspace,
  }),
  scheduledEndpoint('POST', '/workspaces/delete', {
    role: 'admin',
    name: 'sky.workspaces.delete',
    effect: 'write',
    schema: deleteBody,
    run: workspaces.deleteWorkspace,
  }),
  // The whole server config (the dashboard's settings page): admins only, secrets redacted.
  scheduledQuery('/workspaces/config', {
    name: 'sky.workspaces.get_config',
    run: serverConfig.getServerConfig,
  }),
  scheduledEndpoint('POST', '/workspaces/config', {
    role: 'admin',
    name: 'sky.workspaces.update_config',
    effect: 'write',
    schema: configBody,
    run: serverConfig.updateServerConfig,
  }),
];
