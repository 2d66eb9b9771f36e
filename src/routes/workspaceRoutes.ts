/** Workspace endpoints (scheduled, as SkyPilot's workspaces router). */
import { z } from 'zod';
import { type Endpoint, scheduledEndpoint } from '../http/endpoint';
import { baseBody } from '../http/validate';
import * as workspaces from '../operations/workspaces';
import { globalUserState } from '../state/globalUserState';
import { WORKSPACE_NAME_MAX_LENGTH, WORKSPACE_NAME_PATTERN, WORKSPACE_NAME_RULE } from '../vocab/names';

export const workspaceName = z.string().min(1).max(WORKSPACE_NAME_MAX_LENGTH)
  .regex(WORKSPACE_NAME_PATTERN, `workspace names ${WORKSPACE_NAME_RULE}`);
const config = z.record(z.string().max(256), z.unknown());
const upsertBody = z.looseObject({ ...baseBody, workspace_name: workspaceName, config });
const deleteBody = z.looseObject({ ...baseBody, workspace_name: workspaceName });

export const workspaceEndpoints: Endpoint[] = [
  scheduledEndpoint('GET', '/workspaces', {
    name: 'sky.workspaces.get', effect: 'read', from: 'query', schema: z.looseObject({}),
    run: () => globalUserState.getWorkspaces(),
  }),
  scheduledEndpoint('POST', '/workspaces/create', {
    name: 'sky.workspaces.create', effect: 'write', schema: upsertBody, run: workspaces.createWorkspace,
  }),
  scheduledEndpoint('POST', '/workspaces/update', {
    name: 'sky.workspaces.update', effect: 'write', schema: upsertBody, run: workspaces.updateWorkspace,
  }),
  scheduledEndpoint('POST', '/workspaces/delete', {
    name: 'sky.workspaces.delete', effect: 'write', schema: deleteBody, run: workspaces.deleteWorkspace,
  }),
];
