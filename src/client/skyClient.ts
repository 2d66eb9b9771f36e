/**
 * `SkyClient`: a typed client for SkyPilot's REST protocol (scheduled requests collected through
 * `GET /api/get`, direct JSON endpoints and streamed logs).
 *
 * Every write carries a client-generated request id (`X-Skypilot-Request-ID`, uuid v4) that stays the
 * same across retries, so a server that deduplicates by it runs the write once
 * (docs/decisions/0004-client-retries.md).
 */
import { randomUUID } from 'node:crypto';
import type {
  ClusterJobRecord,
  CostReportRecord,
  HealthResponse,
  ManagedJobsPage,
  RequestPayload,
  StatusRecord,
  UserRecord,
  UserRoleRecord,
  WorkspacesMap,
} from '../api/wireTypes';
import { ApiError, errorFromNetwork, errorFromRequestPayload, withRequestId } from './apiError';
import { type Env, resolveEndpoint, type ResolvedEndpoint } from './endpoint';
import { envVarsFor, resolveIdentity, type UserIdentity } from './identity';
import { type RetryHooks, type RetryPolicy, resolveRetryPolicy } from './retry';
import { type HttpRequest, type QueryValue, REQUEST_ID_HEADER, requestIdOf, Transport } from './transport';
import type {
  ApiRequestSummary,
  ApiStatusOptions,
  CostReportOptions,
  EnabledCloudsOptions,
  ExecOptions,
  JobsCancelOptions,
  JobsLogsOptions,
  JobsQueueOptions,
  LaunchOptions,
  LaunchResult,
  LogsOptions,
  QueueOptions,
  ServerVersionInfo,
  StartOptions,
  StatusOptions,
  StopDownOptions,
} from './types';
import { HEADERS } from '../vocab/headers';
import { MIN_COMPATIBLE_API_VERSION, parseApiVersion } from '../vocab/versions';

export interface SkyClientOptions {
  /** Overrides `SKYPILOT_API_SERVER_ENDPOINT` and `~/.sky/config.yaml`. */
  endpoint?: string;
  /** Overrides `SKYPILOT_SERVICE_ACCOUNT_TOKEN`. */
  token?: string;
  /** Environment to read settings from (default `process.env`). */
  env?: Env;
  /** Home directory (default `$HOME`). */
  home?: string;
  retry?: Partial<RetryPolicy>;
  /** Caller identity sent in `env_vars` (default: derived like SkyPilot's client). */
  identity?: UserIdentity;
  /** Check the server's API version before the first call (default true). */
  checkVersion?: boolean;
  /** Per-attempt timeout of the `/api/health` probe (default 5 s). */
  healthTimeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: RetryHooks['onRetry'];
  /** A demo sandbox session to act in (`X-Demo-Session-Id`); default `SKYPILOT_DEMO_SESSION`. */
  demoSession?: string;
  /** Sees every answer (e.g. the demo's `X-Demo-Session-Notice`). */
  onResponse?: (res: Response) => void;
}

type Body = Record<string, unknown>;

/** `X-SkyPilot-Demo: true` is the read-only demo, `sandbox` its sessions; no header, real state. */
function modeOf(header: string | null): ServerVersionInfo['mode'] {
  const value = (header ?? '').toLowerCase();
  return value === 'sandbox' ? 'sandbox' : value ? 'demo' : 'nightly';
}

export class SkyClient {
  readonly endpoint: string;
  readonly identity: UserIdentity;
  readonly auth: ResolvedEndpoint['authKind'];
  private readonly transport: Transport;
  private readonly checkVersion: boolean;
  private readonly healthTimeoutMs: number;
  private versionCheck?: Promise<ServerVersionInfo>;

  constructor(options: SkyClientOptions = {}) {
    const env = options.env ?? process.env;
    const demoSession = options.demoSession ?? env.SKYPILOT_DEMO_SESSION?.trim();
    const resolved = resolveEndpoint({ endpoint: options.endpoint, token: options.token, env, home: options.home });
    this.endpoint = resolved.url;
    this.auth = resolved.authKind;
    this.identity = options.identity ?? resolveIdentity({ env, home: options.home });
    this.checkVersion = options.checkVersion ?? true;
    this.healthTimeoutMs = options.healthTimeoutMs ?? 5_000;
    this.transport = new Transport({
      endpoint: resolved,
      fetch: options.fetch ?? globalThis.fetch,
      retry: resolveRetryPolicy(options.retry),
      hooks: { sleep: options.sleep, random: options.random, onRetry: options.onRetry },
      headers: demoSession ? { [HEADERS.demoSession]: demoSession } : undefined,
      onResponse: options.onResponse,
    });
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private async fetchHealth(): Promise<{ body: HealthResponse; headers: Headers }> {
    const res = await this.transport.send({ method: 'GET', path: '/api/health', timeoutMs: this.healthTimeoutMs });
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    return { body: (body ?? {}) as HealthResponse, headers: res.headers };
  }

  private async probeVersion(): Promise<ServerVersionInfo> {
    const { body, headers } = await this.fetchHealth();
    const fromHeader = parseApiVersion(headers.get(HEADERS.apiVersion));
    const apiVersion = fromHeader ?? parseApiVersion(body.api_version);
    if (apiVersion === undefined || apiVersion < MIN_COMPATIBLE_API_VERSION) {
      throw new ApiError({
        status: 200,
        type: 'VersionMismatch',
        code: 'version_mismatch',
        message:
          `The server at ${this.endpoint} is not a compatible SkyPilot API server ` +
          `(api version ${apiVersion ?? 'missing'}, need >= ${MIN_COMPATIBLE_API_VERSION}).`,
      });
    }
    return {
      apiVersion,
      version: headers.get(HEADERS.version) ?? (typeof body.version === 'string' ? body.version : null),
      commit: typeof body.commit === 'string' ? body.commit : null,
      mode: modeOf(headers.get(HEADERS.demo)),
    };
  }

  /**
   * The one-time version check. A success or a version mismatch is cached for the client's lifetime;
   * a transient failure (server not up yet) is not, so the next call probes again.
   */
  serverVersion(): Promise<ServerVersionInfo> {
    if (!this.versionCheck) {
      this.versionCheck = this.probeVersion().catch((err: unknown) => {
        if (!(err instanceof ApiError && err.type === 'VersionMismatch')) this.versionCheck = undefined;
        throw err;
      });
    }
    return this.versionCheck;
  }

  private async ready(): Promise<void> {
    if (this.checkVersion) await this.serverVersion();
  }

  private withEnv(body: Body = {}): Body {
    return { ...body, env_vars: envVarsFor(this.identity) };
  }

  private async direct<T>(path: string, query?: Record<string, QueryValue>): Promise<T> {
    await this.ready();
    const res = await this.transport.send({ method: 'GET', path, query });
    return (await res.json()) as T;
  }

  /** Submits a scheduled request and returns its request id. */
  private async submit(method: 'GET' | 'POST', path: string, body?: Body, query?: Record<string, QueryValue>): Promise<string> {
    await this.ready();
    const req: HttpRequest = {
      method,
      path,
      query,
      body: method === 'POST' ? this.withEnv(body) : undefined,
      // Generated once, reused by every retry: the server runs a given id at most once.
      headers: { [REQUEST_ID_HEADER]: randomUUID() },
    };
    const res = await this.transport.send(req);
    const requestId = requestIdOf(res);
    await res.arrayBuffer().catch(() => undefined);
    if (!requestId) {
      throw new ApiError({
        status: res.status,
        type: 'ProtocolError',
        code: 'missing_request_id',
        message: `The server at ${this.endpoint} answered ${method} ${path} without a request id.`,
      });
    }
    return requestId;
  }

  private async scheduled<T>(method: 'GET' | 'POST', path: string, body?: Body, query?: Record<string, QueryValue>): Promise<T> {
    const requestId = await this.submit(method, path, body, query);
    return this.getRequest<T>(requestId);
  }

  private async *streamText(path: string, body: Body): AsyncGenerator<string, void, undefined> {
    yield* this.streamResponse({ method: 'POST', path, body: this.withEnv(body), headers: { Accept: 'text/plain' } });
  }

  /** A text stream's chunks, then the outcome of `requestId`, else of the request the answer names. */
  private async *streamResponse(req: HttpRequest, requestId?: string): AsyncGenerator<string, void, undefined> {
    await this.ready();
    const res = await this.transport.send(req);
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          throw errorFromNetwork(err, this.endpoint);
        }
        if (chunk.done) break;
        const text = decoder.decode(chunk.value, { stream: true });
        if (text) yield text;
      }
      const rest = decoder.decode();
      if (rest) yield rest;
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    // The stream is a request's output: its outcome (an error such as a missing cluster) is the request's.
    const outcomeOf = requestId ?? requestIdOf(res);
    if (outcomeOf) await this.getRequest(outcomeOf);
  }

  /**
   * A request's log (`GET /api/stream`, as upstream's `stream_and_get`): followed until it finishes
   * unless `follow` is false, the last `tail` lines first; then its outcome, so a failure throws.
   * `requestId` may be a prefix of one request's id, as upstream's.
   */
  requestLog(requestId: string, options: { follow?: boolean; tail?: number } = {}): AsyncIterable<string> {
    return this.streamResponse(
      {
        method: 'GET',
        path: '/api/stream',
        query: { request_id: requestId, follow: options.follow ?? true, tail: options.tail, format: 'plain' },
        headers: { Accept: 'text/plain' },
      },
      requestId,
    );
  }

  /** `sky check`: submits the check and returns its request id (its report is the request's log). */
  checkRequest(options: { clouds?: string[]; workspace?: string; verbose?: boolean } = {}): Promise<string> {
    return this.submit('POST', '/check', {
      clouds: options.clouds ?? null,
      workspace: options.workspace ?? null,
      verbose: options.verbose ?? false,
    });
  }

  // ---- requests -------------------------------------------------------------------------------

  /** Waits for a scheduled request (long poll on `GET /api/get`) and returns its parsed result. */
  async getRequest<T = unknown>(requestId: string): Promise<T> {
    await this.ready();
    for (;;) {
      let res: Response;
      try {
        res = await this.transport.send({ method: 'GET', path: '/api/get', query: { request_id: requestId }, longPoll: true });
      } catch (err) {
        // The server is still working and undici gave up waiting for headers: poll again.
        if (err instanceof ApiError && err.code === 'UND_ERR_HEADERS_TIMEOUT') continue;
        if (err instanceof ApiError && !err.requestId) throw withRequestId(err, requestId);
        throw err;
      }
      const payload = (await res.json()) as Partial<RequestPayload> | null;
      if (payload?.status === 'CANCELLED') {
        throw new ApiError({
          status: res.status,
          type: 'RequestCancelled',
          code: 'request_cancelled',
          message: `Request ${requestId} was cancelled.`,
          requestId,
        });
      }
      if (payload?.status === 'FAILED' && payload.error && payload.error !== 'null') {
        throw errorFromRequestPayload(500, { request_id: requestId, ...payload });
      }
      const raw = payload?.return_value;
      if (typeof raw !== 'string' || raw === '') return null as T;
      try {
        return JSON.parse(raw) as T;
      } catch {
        throw new ApiError({
          status: res.status,
          type: 'ProtocolError',
          code: 'bad_return_value',
          message: `Request ${requestId} returned a value that is not JSON.`,
          requestId,
        });
      }
    }
  }

  /** `GET /api/health` as is (no version enforcement; see `serverVersion()`). */
  async health(): Promise<HealthResponse> {
    return (await this.fetchHealth()).body;
  }

  /** Unfinished requests (all requests with `allStatus`). */
  apiStatus(options: ApiStatusOptions = {}): Promise<ApiRequestSummary[]> {
    return this.direct('/api/status', {
      request_ids: options.requestIds,
      all_status: options.allStatus,
      limit: options.limit,
    });
  }

  // ---- clusters -------------------------------------------------------------------------------

  status(options: StatusOptions = {}): Promise<StatusRecord[]> {
    const refresh = options.refresh === true ? 'FORCE' : options.refresh === false ? 'NONE' : (options.refresh ?? 'NONE');
    return this.scheduled('POST', '/status', {
      cluster_names: options.clusterNames && options.clusterNames.length > 0 ? options.clusterNames : null,
      refresh,
      all_users: options.allUsers ?? false,
    });
  }

  /** A cluster's exposed ports and their URLs (`sky status --endpoints`). */
  endpoints(cluster: string, port?: number): Promise<Record<string, string>> {
    return this.scheduled('POST', '/endpoints', { cluster, port: port ?? null });
  }

  costReport(options: CostReportOptions = {}): Promise<CostReportRecord[]> {
    return this.scheduled('POST', '/cost_report', { days: options.days });
  }

  queue(cluster: string, options: QueueOptions = {}): Promise<ClusterJobRecord[]> {
    return this.scheduled('POST', '/queue', {
      cluster_name: cluster,
      all_users: options.allUsers ?? false,
      skip_finished: options.skipFinished ?? false,
    });
  }

  /** Status of jobs on a cluster (`sky logs --status`): `{job_id: status}`, the latest job when none is named. */
  jobStatus(cluster: string, jobIds: number[] | null = null): Promise<Record<string, string | null>> {
    return this.scheduled('POST', '/job_status', { cluster_name: cluster, job_ids: jobIds });
  }

  /** Streams a cluster job's log (`POST /logs`, chunked text). The latest job when `jobId` is omitted. */
  logs(cluster: string, jobId?: number | null, options: LogsOptions = {}): AsyncIterable<string> {
    return this.streamText('/logs', {
      cluster_name: cluster,
      job_id: jobId ?? null,
      follow: options.follow ?? true,
      tail: options.tail ?? 0,
    });
  }

  launch(task: string, clusterName: string, options: LaunchOptions = {}): Promise<LaunchResult> {
    return this.scheduled('POST', '/launch', {
      task,
      cluster_name: clusterName,
      retry_until_up: options.retryUntilUp,
      idle_minutes_to_autostop: options.idleMinutesToAutostop,
      down: options.down,
      dryrun: options.dryrun,
      no_setup: options.noSetup,
      fast: options.fast,
    });
  }

  exec(task: string, clusterName: string, options: ExecOptions = {}): Promise<LaunchResult> {
    return this.scheduled('POST', '/exec', { task, cluster_name: clusterName, down: options.down, dryrun: options.dryrun });
  }

  async stop(cluster: string, options: StopDownOptions = {}): Promise<void> {
    await this.scheduled('POST', '/stop', { cluster_name: cluster, purge: options.purge ?? false });
  }

  async start(cluster: string, options: StartOptions = {}): Promise<unknown> {
    return this.scheduled('POST', '/start', {
      cluster_name: cluster,
      idle_minutes_to_autostop: options.idleMinutesToAutostop,
      down: options.down,
      retry_until_up: options.retryUntilUp,
      force: options.force,
    });
  }

  async down(cluster: string, options: StopDownOptions = {}): Promise<void> {
    await this.scheduled('POST', '/down', { cluster_name: cluster, purge: options.purge ?? false });
  }

  /** `idleMinutes` < 0 cancels autostop. */
  async autostop(cluster: string, idleMinutes: number, down = false): Promise<void> {
    await this.scheduled('POST', '/autostop', { cluster_name: cluster, idle_minutes: idleMinutes, down });
  }

  // ---- managed jobs ---------------------------------------------------------------------------

  async jobsQueue(options: JobsQueueOptions = {}): Promise<ManagedJobsPage> {
    const result = await this.scheduled<ManagedJobsPage | ManagedJobsPage['jobs'] | null>('POST', '/jobs/queue/v2', {
      refresh: options.refresh ?? false,
      skip_finished: options.skipFinished ?? false,
      all_users: options.allUsers ?? false,
      page: options.page,
      limit: options.limit,
    });
    if (!Array.isArray(result)) return result ?? { jobs: [], total: 0, total_no_filter: 0, status_counts: {} };
    // Older servers answer a bare list.
    const statusCounts: Record<string, number> = {};
    for (const job of result) if (job.status) statusCounts[job.status] = (statusCounts[job.status] ?? 0) + 1;
    return { jobs: result, total: result.length, total_no_filter: result.length, status_counts: statusCounts };
  }

  async jobsCancel(options: JobsCancelOptions = {}): Promise<void> {
    await this.scheduled('POST', '/jobs/cancel', {
      job_ids: options.jobIds ?? null,
      name: options.name ?? null,
      all: options.all ?? false,
      all_users: options.allUsers ?? false,
    });
  }

  jobsLogs(jobId: number | null, options: JobsLogsOptions = {}): AsyncIterable<string> {
    return this.streamText('/jobs/logs', {
      job_id: jobId,
      follow: options.follow ?? true,
      controller: options.controller ?? false,
      refresh: false,
      tail: options.tail ?? 0,
    });
  }

  // ---- users, workspaces, infra ---------------------------------------------------------------

  users(): Promise<UserRecord[]> {
    return this.direct('/users');
  }

  userRole(): Promise<UserRoleRecord> {
    return this.direct('/users/role');
  }

  workspaces(): Promise<WorkspacesMap> {
    return this.scheduled('GET', '/workspaces');
  }

  enabledClouds(options: EnabledCloudsOptions = {}): Promise<string[]> {
    return this.scheduled('GET', '/enabled_clouds', undefined, { workspace: options.workspace, expand: options.expand });
  }
}
