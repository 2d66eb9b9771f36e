/**
 * Client-side input and result types. Wire shapes come from src/api/wireTypes.ts; the types here are
 * the ones wireTypes.ts does not define (call options, `/launch` results, `/api/status` rows).
 */
import type { RequestPayload } from '../api/wireTypes';

export type StatusRefreshMode = 'NONE' | 'AUTO' | 'FORCE';

export interface StatusOptions {
  /** `undefined`/empty = all clusters. */
  clusterNames?: string[];
  /** Default false: only the caller's clusters (as SkyPilot's SDK). */
  allUsers?: boolean;
  /** `true` means `FORCE`. Default `NONE`. */
  refresh?: boolean | StatusRefreshMode;
}

export interface CostReportOptions {
  /** Look-back window in days; the server's default is 30. */
  days?: number;
}

export interface QueueOptions {
  allUsers?: boolean;
  skipFinished?: boolean;
}

export interface LogsOptions {
  /** Default true. */
  follow?: boolean;
  /** Last N lines; 0 (default) = whole log. */
  tail?: number;
}

export interface JobsLogsOptions extends LogsOptions {
  /** Stream the controller's log instead of the job's. */
  controller?: boolean;
}

export interface LaunchOptions {
  retryUntilUp?: boolean;
  idleMinutesToAutostop?: number | null;
  down?: boolean;
  dryrun?: boolean;
  noSetup?: boolean;
  fast?: boolean;
}

export interface ExecOptions {
  down?: boolean;
  dryrun?: boolean;
}

export interface StopDownOptions {
  purge?: boolean;
}

export interface StartOptions {
  idleMinutesToAutostop?: number | null;
  down?: boolean;
  retryUntilUp?: boolean;
  force?: boolean;
}

export interface JobsQueueOptions {
  allUsers?: boolean;
  skipFinished?: boolean;
  refresh?: boolean;
  page?: number;
  limit?: number;
}

export interface JobsCancelOptions {
  jobIds?: number[];
  name?: string;
  all?: boolean;
  allUsers?: boolean;
}

export interface EnabledCloudsOptions {
  workspace?: string;
  expand?: boolean;
}

export interface ApiStatusOptions {
  requestIds?: string[];
  /** Include finished requests too (default: unfinished only). */
  allStatus?: boolean;
  limit?: number;
}

/** Result of `/launch` and `/exec` (`handle` is opaque: a pickle upstream, plain JSON here). */
export interface LaunchResult {
  job_id: number | null;
  handle: unknown;
}

/** A row of `GET /api/status` (display form of a request payload). */
export type ApiRequestSummary = Pick<RequestPayload, 'request_id' | 'name' | 'status' | 'created_at'> & Partial<RequestPayload>;

/** What the one-time version check learnt about the server. */
export interface ServerVersionInfo {
  apiVersion: number;
  version: string | null;
  commit: string | null;
  /** What the server serves, from its `X-SkyPilot-Demo` header: the read-only demo, its sandbox, or real state. */
  mode?: 'demo' | 'sandbox' | 'nightly';
}
