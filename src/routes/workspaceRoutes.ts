/**
 * Workspaces (scheduled, as SkyPilot's workspaces router). `default` always exists and cannot be
 * deleted; a workspace that still has clusters cannot be deleted either.
 */
import { Router } from 'express';
import { z } from 'zod';
import { SkyPilotError } from '../errors';
import type { AppContext } from '../http/appContext';
import { scheduled } from '../http/scheduled';
import { baseBody } from '../http/validate';
import { globalUserState } from '../state/globalUserState';

const name = z.string().min(1).max(128).regex(/^[a-z0-9][a-z0-9_-]*$/,
  'workspace names use lower-case letters, digits, "_" and "-"');
const config = z.record(z.string(), z.unknown());
const upsertBody = z.looseObject({ ...baseBody, workspace_name: name, config });
const deleteBody = z.looseObject({ ...baseBody, workspace_name: name });

export function workspaceRoutes(app: AppContext): Router {
  const router = Router();

  router.get('/workspaces', scheduled(app, {
    name: 'sky.workspaces.get', from: 'query', schema: z.looseObject({}),
    run: async () => globalUserState.getWorkspaces(),
  }));

  router.post('/workspaces/create', scheduled(app, {
    name: 'sky.workspaces.create',
    schema: upsertBody,
    run: async (body) => {
      const all = await globalUserState.getWorkspaces();
      if (Object.hasOwn(all, body.workspace_name)) {
        throw new SkyPilotError('WorkspaceExistsError', `Workspace '${body.workspace_name}' already exists.`);
      }
      await globalUserState.setWorkspace(body.workspace_name, body.config);
      return globalUserState.getWorkspaces();
    },
  }));

  router.post('/workspaces/update', scheduled(app, {
    name: 'sky.workspaces.update',
    schema: upsertBody,
    run: async (body) => {
      const all = await globalUserState.getWorkspaces();
      if (!(Object.hasOwn(all, body.workspace_name))) {
        throw new SkyPilotError('WorkspaceNotFoundError', `Workspace '${body.workspace_name}' does not exist.`);
      }
      await globalUserState.setWorkspace(body.workspace_name, body.config);
      return globalUserState.getWorkspaces();
    },
  }));

  router.post('/workspaces/delete', scheduled(app, {
    name: 'sky.workspaces.delete',
    schema: deleteBody,
    run: async (body) => {
      const ws = body.workspace_name;
      if (ws === 'default') throw new SkyPilotError('NotSupportedError', "The 'default' workspace cannot be deleted.");
      const all = await globalUserState.getWorkspaces();
      if (!Object.hasOwn(all, ws)) throw new SkyPilotError('WorkspaceNotFoundError', `Workspace '${ws}' does not exist.`);
      const clusters = await globalUserState.getClusters({ workspaces: [ws] });
      if (clusters.length) {
        throw new SkyPilotError('WorkspaceInUseError',
          `Workspace '${ws}' still has ${clusters.length} cluster(s): ${clusters.map((c) => c.name).join(', ')}.`);
      }
      await globalUserState.deleteWorkspace(ws);
      return globalUserState.getWorkspaces();
    },
  }));

  return router;
}
