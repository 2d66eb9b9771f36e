/**
 * Status vocabularies (SkyPilot's `status_lib`, `job_lib`, `jobs/state`).
 * A terminated cluster has no status: its row is gone and it lives on only in cluster history.
 */
import type { ClusterJobStatusName, ManagedJobStatusName } from '../api/wireTypes';

export const CLUSTER_STATUSES = ['INIT', 'UP', 'STOPPED'] as const;
export type ClusterStatus = (typeof CLUSTER_STATUSES)[number];

export const CLUSTER_JOB_STATUSES: readonly ClusterJobStatusName[] = [
  'INIT', 'PENDING', 'SETTING_UP', 'RUNNING', 'SUCCEEDED', 'FAILED', 'FAILED_SETUP', 'FAILED_DRIVER', 'CANCELLED',
];

export const MANAGED_JOB_STATUSES: readonly ManagedJobStatusName[] = [
  'PENDING', 'SUBMITTED', 'STARTING', 'RUNNING', 'RECOVERING', 'CANCELLING',
  'SUCCEEDED', 'CANCELLED', 'FAILED', 'FAILED_SETUP', 'FAILED_PRECHECKS', 'FAILED_NO_RESOURCE', 'FAILED_CONTROLLER',
];

export const TERMINAL_MANAGED_JOB_STATUSES: ReadonlySet<ManagedJobStatusName> = new Set([
  'SUCCEEDED', 'CANCELLED', 'FAILED', 'FAILED_SETUP', 'FAILED_PRECHECKS', 'FAILED_NO_RESOURCE', 'FAILED_CONTROLLER',
]);

export const CLUSTER_EVENT_TYPES = ['DEBUG', 'STATUS_CHANGE'] as const;
export type ClusterEventType = (typeof CLUSTER_EVENT_TYPES)[number];

export const USER_ROLES = ['admin', 'user', 'viewer'] as const;
export type UserRole = (typeof USER_ROLES)[number];
