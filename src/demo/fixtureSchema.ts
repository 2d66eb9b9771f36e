/**
 * The shape of the demo's data files (src/demo/fixtures/*.yaml). Field names are written for people
 * who edit YAML, not for the wire; `world.ts` turns them into state records. A bad edit is reported
 * with the file and the field, e.g. `clusters.yaml: [2].status: expected one of INIT, UP, STOPPED`.
 */
import { z } from 'zod';
import {
  CLUSTER_JOB_STATUSES,
  CLUSTER_STATUSES,
  MANAGED_JOB_STATUSES,
  RECIPE_TYPES,
  STORAGE_STATUSES,
  STORE_TYPES,
  USER_ROLES,
} from '../vocab/statuses';
import { secretPaths } from '../vocab/secretKeys';
import { cloudRegistry } from '../state/clouds';
import { dashboardSection } from '../routes/dashboardConfigRoutes';
import type { Activity } from '../living/activitySchema';
import { RELATIVE_TIME } from '../living/worldClock';

const ago = z.string().regex(RELATIVE_TIME, 'expected a time like "2h ago", "30m ago" or "1d 4h ago"');
const email = z
  .string()
  .min(3)
  .regex(/^[^\s@]+@[^\s@]+$/, 'expected an e-mail address');
const cloud = z.string().refine((c) => cloudRegistry.isKnown(c), {
  message: `expected one of ${cloudRegistry.names().join(', ')}`,
});
const file = z
  .string()
  .regex(/^[\w./-]+$/, 'expected a file path under src/demo/fixtures')
  .refine((p) => !p.split('/').includes('..'), 'the file must be inside src/demo/fixtures');
const name = z
  .string()
  .min(1)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only');

const days = z.number().int().positive().nullish();
const serviceAccount = z.strictObject({ name, created_by: email, role: z.enum(USER_ROLES), created: ago, expires_in_days: days });
export const usersFile = z.strictObject({
  current_user: email,
  users: z.array(z.strictObject({ name: email, role: z.enum(USER_ROLES), created: ago })).min(1),
  /** Service accounts as the users page's tab lists them (no token of theirs exists). */
  service_accounts: z.array(serviceAccount).default([]),
});

/** Workspace settings are shown on the settings page too: no secrets, as in server_config.yaml. */
function noSecrets(value: unknown, ctx: z.RefinementCtx): void {
  for (const at of secretPaths(value)) ctx.addIssue({ code: 'custom', message: `'${at}' looks like a secret; the demo must have none` });
}

export const workspacesFile = z
  .record(name, z.record(z.string(), z.unknown()).nullable())
  .refine((w) => 'default' in w, 'the "default" workspace must exist')
  .superRefine(noSecrets);

export const infraFile = z.strictObject({
  enabled_clouds: z.record(name, z.array(cloud)),
  kubernetes_contexts: z.array(
    z.strictObject({
      name,
      nodes: z.array(
        z
          .strictObject({
            name,
            gpu: z.string().nullable(),
            gpus: z.number().int().min(0),
            gpus_free: z.number().int().min(0),
            cpus: z.number().positive(),
            memory_gb: z.number().positive(),
            ip: z.string(),
          })
          .refine((n) => n.gpus_free <= n.gpus, { message: 'gpus_free cannot exceed gpus', path: ['gpus_free'] }),
      ),
    }),
  ),
});

export const clustersFile = z.array(
  z.strictObject({
    name,
    user: email,
    workspace: name,
    status: z.enum(CLUSTER_STATUSES),
    launched: ago,
    stopped: ago.optional(),
    cloud,
    region: z.string().nullish(),
    zone: z.string().nullish(),
    instance_type: z.string(),
    nodes: z.number().int().positive(),
    autostop: z.number().int().min(-1),
    autostop_down: z.boolean().optional(),
    ports: z.array(z.string().regex(/^\d{1,5}(-\d{1,5})?$/, 'expected a port like "8080" or a range "9000-9010"')).optional(),
    task: file,
    command: z.string(),
    provision_log: file.optional(),
  }),
);

const clusterJob = z.strictObject({
  id: z.number().int().positive(),
  name: z.string().min(1),
  user: email,
  status: z.enum(CLUSTER_JOB_STATUSES),
  submitted: ago,
  started: ago.nullish(),
  ended: ago.nullish(),
  resources: z.string(),
  log: file,
});

export const clusterJobsFile = z.record(name, z.array(clusterJob));

export const managedJobsFile = z.array(
  z.strictObject({
    id: z.number().int().positive(),
    name: z.string().min(1),
    user: email,
    workspace: name,
    status: z.enum(MANAGED_JOB_STATUSES),
    submitted: ago,
    started: ago.nullish(),
    ended: ago.nullish(),
    recoveries: z.number().int().min(0),
    failure_reason: z.string().optional(),
    resources: z.string(),
    cloud: cloud.optional(),
    region: z.string().nullish(),
    instance_type: z.string().optional(),
    nodes: z.number().int().positive().optional(),
    task: file,
    log: file,
  }),
);

export const volumesFile = z.array(
  z.strictObject({
    name,
    type: z.string(),
    user: email,
    workspace: name,
    cloud,
    region: z.string().nullish(),
    size: z.number().positive(),
    status: z.enum(['READY', 'IN_USE']),
    created: ago,
    last_attached: ago.nullish(),
    used_by: z.array(z.string()),
    storage_class: z.string(),
    access_mode: z.string(),
  }),
);

export const historyFile = z.array(
  z.strictObject({
    name,
    user: email,
    workspace: name,
    cloud,
    region: z.string().nullish(),
    instance_type: z.string(),
    nodes: z.number().int().positive(),
    launched: ago,
    terminated: ago,
    task: file,
  }),
);

export const storageFile = z.array(
  z.strictObject({
    name,
    user: email,
    store: z.array(z.enum(STORE_TYPES)).min(1),
    status: z.enum(STORAGE_STATUSES),
    created: ago,
    last_use: z.string(),
  }),
);

export const recipesFile = z.array(
  z.strictObject({
    name,
    description: z.string().nullish(),
    type: z.enum(RECIPE_TYPES),
    pinned: z.boolean(),
    user: email,
    created: ago,
    updated: ago,
    file,
  }),
);

/**
 * Public by design: a secret-looking key anywhere fails the load, so none can be served. The
 * `dashboard` section (`external_links` for the official dashboard's log links) is checked as a
 * settings-page save is.
 */
export const serverConfigFile = z
  .looseObject({ dashboard: dashboardSection.optional() })
  .refine((c) => !('workspaces' in c), 'workspaces belong in workspaces.yaml')
  .superRefine(noSecrets);

export const FIXTURE_FILES = {
  users: { file: 'users.yaml', schema: usersFile },
  workspaces: { file: 'workspaces.yaml', schema: workspacesFile },
  infra: { file: 'infra.yaml', schema: infraFile },
  clusters: { file: 'clusters.yaml', schema: clustersFile },
  clusterJobs: { file: 'cluster_jobs.yaml', schema: clusterJobsFile },
  managedJobs: { file: 'managed_jobs.yaml', schema: managedJobsFile },
  volumes: { file: 'volumes.yaml', schema: volumesFile },
  history: { file: 'history.yaml', schema: historyFile },
  storage: { file: 'storage.yaml', schema: storageFile },
  recipes: { file: 'recipes.yaml', schema: recipesFile },
  serverConfig: { file: 'server_config.yaml', schema: serverConfigFile },
} as const;

type Files = typeof FIXTURE_FILES;

/** The optional file of the living world: without it, the world holds still. */
export const ACTIVITY_FILE = 'activity.yaml';

/**
 * The parsed fixtures plus the text files (task YAMLs, logs) they name, keyed by path, the living
 * world's activity (null without activity.yaml), and a hash of all of it (the world's fingerprint).
 */
export type Fixtures = { [K in keyof Files]: z.infer<Files[K]['schema']> } & {
  texts: Record<string, string>;
  activity: Activity | null;
  contentHash: string;
};
