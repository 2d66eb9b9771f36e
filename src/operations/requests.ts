/**
 * The protocol's own operations on requests: fetch a result (`/api/get`), list (`/api/status`),
 * cancel and stream logs. A caller sees only its own requests unless it is an admin (see caller.ts);
 * someone else's request answers exactly as a request that does not exist.
 */
import type { ServerResponse } from 'node:http';
import type { MaybePromise } from '../common/maybeAsync';
import { HttpError, NotFoundError } from '../errors';
import { startTextStream } from '../http/streamText';
import { toWirePayload, type RequestRecord, type Viewer, wirePayloadAround, wirePayloadJson } from '../requests/requestRecord';
import type { RequestStore } from '../requests/requestStore';
import type { RequestExecutor } from '../requests/executor';
import { followRequestLog } from '../requests/logFanOut';
import { HEADERS } from '../vocab/headers';
import { isFinishedRequest } from '../vocab/statuses';
import type { HttpReply } from '../http/httpCall';

/** Where a spilled result goes in its payload: a text no JSON-quoted field can contain (a raw NUL). */
const RESULT_SLOT = '\u0000result\u0000';

/** `/api/status` pages: default and largest page. */
export const DEFAULT_STATUS_LIMIT = 100;
export const MAX_STATUS_LIMIT = 1000;

export async function findRequest(store: RequestStore, id: string, viewer: Viewer): Promise<RequestRecord> {
  const found = await store.find(id, viewer);
  if (found === 'ambiguous') {
    throw new HttpError(400, 'ambiguous_request_id', 'ValidationError', `Request id prefix '${id}' matches several requests.`);
  }
  if (!found) throw new NotFoundError(`Request '${id}' not found.`, 'request_not_found');
  return found;
}

/**
 * `/api/get`: waits for the request, then 200 with its payload, 500 `{detail}` when it failed.
 * `frame` rewrites the payload's own fields for the client (never the result inside it). A
 * finished result this process holds (the round trip's usual case) is answered at once.
 */
export function getResult(
  store: RequestStore,
  id: string,
  viewer: Viewer,
  timeoutMs: number,
  frame: PayloadFrame = AS_IS,
): MaybePromise<HttpReply> {
  const held = store.heldResult(id, viewer);
  return held ? resultReply(store, held.record, held.quoted, frame) : waitForResult(store, id, viewer, timeoutMs, frame);
}

/** A change to the payload's envelope for a kind of client (the official dashboard's, without pickles). */
export type PayloadFrame = (payload: string) => string;

/** The envelope as it is (every client but the official dashboard). */
const AS_IS: PayloadFrame = (payload) => payload;

async function waitForResult(store: RequestStore, id: string, viewer: Viewer, timeoutMs: number, frame: PayloadFrame): Promise<HttpReply> {
  const found = await findRequest(store, id, viewer);
  const record = await store.waitUntilFinished(found.requestId, viewer, timeoutMs);
  if (!record) throw new NotFoundError(`Request '${id}' not found.`, 'request_not_found');
  if (!isFinishedRequest(record.status)) {
    // Clients retry 504, so a long request is simply waited for again.
    throw new HttpError(
      504,
      'request_not_finished',
      'RequestTimeout',
      `Request '${record.requestId}' is still ${record.status}; try again.`,
    );
  }
  const quoted = await store.quotedResult(record).catch(() => {
    // Its spill file went with its retention while this answer was being made.
    throw new NotFoundError(`Request '${id}' not found.`, 'request_not_found');
  });
  return resultReply(store, record, quoted, frame);
}

/**
 * A finished request's answer, its result quoted (`undefined`: quoted here, in one step), the
 * envelope framed for the client. `frame` sees the envelope only, never the result's text.
 */
function resultReply(
  store: RequestStore,
  record: RequestRecord,
  quoted: string | Buffer | readonly (string | Buffer)[] | undefined,
  frame: PayloadFrame,
): HttpReply {
  const status = record.status === 'FAILED' ? 500 : 200;
  const wrap = (payload: string) => frame(status === 500 ? `{"detail":${payload}}` : payload);
  store.markFetched(record.requestId);
  if (quoted === undefined || typeof quoted === 'string') return { status, jsonText: wrap(wirePayloadJson(record, quoted)) };
  // A big result (its pieces, or the bytes read from disk) or a cached answer's bytes, encoded once
  // for all who fetch it, is sent as such, framed by the payload's other fields: no joining,
  // decoding, re-encoding or copying on the event loop, however big.
  const [head, tail] =
    status === 200 && frame === AS_IS ? wirePayloadAround(record) : wrap(wirePayloadJson(record, RESULT_SLOT)).split(RESULT_SLOT);
  return { status, jsonParts: [head, ...(Buffer.isBuffer(quoted) ? [quoted] : quoted), tail] };
}

export interface StatusQuery {
  requestIds: string[] | null;
  idPrefixes?: boolean;
  clusterName?: string | null;
  allStatus: boolean;
  limit: number;
  before: number | null;
}

/** `/api/status`: newest first, one page, summaries only (results are never loaded for a listing). */
export async function listRequests(store: RequestStore, query: StatusQuery, viewer: Viewer) {
  const records = await store.list({ viewer, ...query });
  return records.map((r) => toWirePayload(r, { withResult: false }));
}

/** Cancels the caller's unfinished requests (the named ones, or all of the user's); returns those cancelled. */
export async function cancelRequests(
  store: RequestStore,
  executor: RequestExecutor,
  input: {
    requestIds: string[] | null;
    userId: string;
    selfId: string;
    viewer: Viewer;
  },
): Promise<string[]> {
  const targets =
    input.requestIds ??
    (await store.list({ viewer: input.viewer, allStatus: false, limit: MAX_STATUS_LIMIT }))
      .filter((r) => r.userId === input.userId)
      .map((r) => r.requestId);
  const cancelled: string[] = [];
  for (const id of targets) {
    if (id === input.selfId) continue;
    const record = await store.get(id, input.viewer);
    if (record && (await executor.cancel(record.requestId))) cancelled.push(record.requestId);
  }
  return cancelled;
}

/** `/api/stream`: the request's log, following it until it finishes unless `follow` is false. */
export async function streamRequestLog(
  store: RequestStore,
  res: ServerResponse,
  target: RequestRecord,
  options: {
    follow: boolean;
    viewer: Viewer;
    closed: () => boolean;
    headers: Record<string, string>;
    /** The id the client asked for (maybe a prefix): upstream echoes it, and the CLI asserts it is what it sent. */
    askedFor?: string | null;
  },
): Promise<void> {
  const id = target.requestId;
  startTextStream(res, { ...options.headers, [HEADERS.streamRequestId]: options.askedFor || id });
  if (!options.follow || isFinishedRequest(target.status)) {
    const log = await store.getLog(id);
    const current = await store.get(id, options.viewer);
    if (current?.status === 'CANCELLED') res.end(`${log}${cancelledLine(current, id)}`);
    else res.end(log);
    return;
  }
  if (options.closed() || res.destroyed) {
    res.end();
    return;
  }
  // Followers of one request share one reader (requests/logFanOut.ts).
  await new Promise<void>((resolve) => {
    let sent = 0;
    let ended = false;
    const end = (tail = '') => {
      if (ended) return;
      ended = true;
      unsubscribe();
      res.off('close', onClose);
      res.end(tail);
      resolve();
    };
    const onClose = () => end();
    const unsubscribe = followRequestLog(store, id, (view) => {
      if (ended) return;
      if (view.log.length > sent) res.write(view.log.slice(sent));
      sent = Math.max(sent, view.log.length);
      if (view.done || options.closed()) end(view.record?.status === 'CANCELLED' ? cancelledLine(view.record, id) : '');
    });
    res.once('close', onClose);
  });
}

function cancelledLine(record: RequestRecord, id: string): string {
  return `'${record.name}' request ${id} cancelled\n`;
}
