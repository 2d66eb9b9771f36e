/**
 * A request as the server keeps it, and its wire form (`/api/get`'s payload). The payload is the one
 * shape every client decodes: the official Python client base64-unpickles `entrypoint` and
 * `request_body` (a pickled None is enough) and, on failure, `error.object`; the dashboards and our
 * client read `return_value` and `error` as JSON strings.
 */
import type { RequestPayload } from '../api/wireTypes';
import { PICKLED_NONE_BASE64, pickleRequestError } from '../pickle/skypilotPickles';
import type { RequestStatus, ScheduleType, UserRole } from '../vocab/statuses';

export interface RequestError {
  type: string;
  message: string;
}

export interface RequestRecord {
  requestId: string;
  name: string;
  /** JSON text of the body for durable requests; '{}' for reads, whose bodies are not kept. */
  body: string;
  status: RequestStatus;
  createdAt: number;
  finishedAt: number | null;
  userId: string;
  userName: string | null;
  /** The principal allowed to see it (besides admins). */
  owner: string | null;
  replicaId: string | null;
  clusterName: string | null;
  scheduleType: ScheduleType;
  durable: boolean;
  /** JSON text, as the wire carries it. */
  returnValue: string;
  error: RequestError | null;
  statusMsg: string | null;
  shouldRetry: boolean;
  log: string;
  /** `JSON.stringify(returnValue)`, when a cached result already has it (memory only). */
  returnValueQuoted?: string;
  /** `returnValueQuoted` as UTF-8, shared by every request answered from the same cached result. */
  returnValueBytes?: Buffer;
  /** The file holding the quoted result once the memory tier spilled it (`returnValue` is then ''). */
  spillFile?: string;
}

/** Who asks: a principal (user, or demo visitor) and whether it may see everyone's requests. */
export interface Viewer {
  principal: string;
  admin: boolean;
  /** The caller's role for the endpoint table's check; absent: admin when `admin`, else viewer. */
  role?: UserRole;
}

/** The principal of a user named by the server's auth (src/http/caller.ts); `local` and visitors are not. */
export const AUTHENTICATED_PRINCIPAL_PREFIX = 'user:';

export function isAuthenticated(viewer: Viewer): boolean {
  return viewer.principal.startsWith(AUTHENTICATED_PRINCIPAL_PREFIX);
}

/** The role a viewer acts with: the one resolved, else admin for an admin and viewer for anyone else. */
export function roleOfViewer(viewer: Viewer): UserRole {
  return viewer.role ?? (viewer.admin ? 'admin' : 'viewer');
}

export function canSee(viewer: Viewer, record: Pick<RequestRecord, 'owner'>): boolean {
  return viewer.admin || (record.owner !== null && record.owner === viewer.principal);
}

/** Rough memory held by a record, for the in-memory tier's byte bound. */
export function recordBytes(record: RequestRecord): number {
  return 256 + record.body.length + record.returnValue.length + record.log.length + (record.error ? record.error.message.length + 64 : 0);
}

function errorText(error: RequestError | null): string {
  if (!error) return 'null';
  return JSON.stringify({
    type: error.type,
    message: error.message,
    // The official client rebuilds `sky.exceptions.<type>` (or a builtin) from this pickled dict.
    object: pickleRequestError(error),
  });
}

const q = JSON.stringify;

/**
 * `JSON.stringify(toWirePayload(record))`, built by hand so the result (a JSON string inside JSON,
 * the bulk of the bytes) is quoted once per cached result rather than once per request. A test holds
 * the two to the same bytes.
 */
export function wirePayloadJson(record: RequestRecord, quotedResult?: string): string {
  const [head, tail] = wirePayloadAround(record);
  return head + (quotedResult ?? record.returnValueQuoted ?? q(record.returnValue)) + tail;
}

/**
 * The payload's text before and after its quoted result: a result held as bytes (a cached answer's,
 * or read back from disk) is sent between the two as it is.
 */
export function wirePayloadAround(record: RequestRecord): [head: string, tail: string] {
  return [
    `{"request_id":${q(record.requestId)},"name":${q(record.name)},${PICKLED_FIELDS},` +
      `"status":${q(record.status)},"created_at":${q(record.createdAt)},` +
      `"finished_at":${q(record.finishedAt)},"user_id":${q(record.userId)},"user_name":${q(record.userName)},"return_value":`,
    `,"error":${record.error ? q(errorText(record.error)) : NO_ERROR},` +
      `"pid":${process.pid},"schedule_type":${q(record.scheduleType)},"cluster_name":${q(record.clusterName)},` +
      `"status_msg":${q(record.statusMsg)},"should_retry":${record.shouldRetry}}`,
  ];
}

/** The envelope's constant parts, quoted once. */
const PICKLED_FIELDS = `"entrypoint":${q(PICKLED_NONE_BASE64)},"request_body":${q(PICKLED_NONE_BASE64)}`;
const NO_ERROR = q(errorText(null));

export interface PayloadOptions {
  /** Listings leave results out: `/api/status` never returns another request's result. */
  withResult: boolean;
}

export function toWirePayload(record: RequestRecord, options: PayloadOptions = { withResult: true }): RequestPayload {
  return {
    request_id: record.requestId,
    name: record.name,
    entrypoint: PICKLED_NONE_BASE64,
    request_body: PICKLED_NONE_BASE64,
    status: record.status,
    created_at: record.createdAt,
    finished_at: record.finishedAt,
    user_id: record.userId,
    user_name: record.userName,
    return_value: options.withResult ? record.returnValue : 'null',
    error: errorText(record.error),
    pid: process.pid,
    schedule_type: record.scheduleType,
    cluster_name: record.clusterName,
    status_msg: record.statusMsg,
    should_retry: record.shouldRetry,
  };
}
