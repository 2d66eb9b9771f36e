/**
 * The request and the answer as the endpoint code sees them, independent of the HTTP framework:
 * Express serves the long tail of endpoints, a lean handler in front of it serves the hottest ones
 * (src/http/fastPath.ts), and both hand endpoint code the same `HttpCall` and write the same
 * `HttpReply`, so headers, bodies and errors are identical whichever path answered.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { noteRequestId } from '../observability/requestObserver';
import { HEADERS } from '../vocab/headers';

export interface HttpCall {
  method: string;
  /** The path after the `/internal/dashboard` prefix is removed. */
  path: string;
  query: Record<string, unknown>;
  body: unknown;
  headers: IncomingHttpHeaders;
  /** The TCP peer; the client address comes from clientAddress.ts (trusted proxies). */
  socketAddress: string | undefined;
  raw: IncomingMessage;
}

export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  /** A value to serialise, or `jsonText` already serialised (a cached result). */
  json?: unknown;
  jsonText?: string;
  /**
   * `jsonText` in pieces, sent one after the other: a big result (quoted in slices, or read back
   * from disk as the bytes it is) or a cached answer's bytes (encoded once) is never joined into one
   * string or buffer.
   */
  jsonParts?: readonly (string | Buffer)[];
  /**
   * A plain-text answer instead of JSON: what a client reading a log stream expects (a refused
   * streamed call answers an empty stream, whose request id carries the failure).
   */
  text?: string;
}

/** Header names as Node keys them, lowered once per name (the same few are asked on every request). */
const lowered = new Map<string, string>();

export function header(call: Pick<HttpCall, 'headers'>, name: string): string | undefined {
  let key = lowered.get(name);
  if (key === undefined) {
    key = name.toLowerCase();
    if (lowered.size < 256) lowered.set(name, key);
  }
  const value = call.headers[key];
  return Array.isArray(value) ? value[0] : value;
}

const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';
const PRESET = Symbol('skypilot.presetHeaders');
/** Pieces up to this size go out in one tick (a cached answer); bigger ones a piece at a time. */
const ONE_WRITE_BYTES = 1024 * 1024;

type WithPreset = ServerResponse & { [PRESET]?: Record<string, string> };

/**
 * Headers the lean path has for an answer before its endpoint runs (admission's): sent first by
 * `writeReply`, as if set on the response, without Node's per-header bookkeeping.
 */
export function presetHeaders(res: ServerResponse, headers: Record<string, string>): void {
  (res as WithPreset)[PRESET] = headers;
}

const REQUEST_ID_HEADER = HEADERS.requestId.toLowerCase();

/** Adds a header to a flat list as `setHeader` would: a name given again keeps its place, takes the new value. */
function put(list: string[], name: string, value: string): void {
  for (let i = 0; i < list.length; i += 2) {
    if (list[i].length === name.length && list[i].toLowerCase() === name.toLowerCase()) {
      list[i + 1] = value;
      return;
    }
  }
  list.push(name, value);
}

/** Writes a reply as Express's `res.json` would: same content type, length and body bytes. */
export function writeReply(res: ServerResponse, reply: HttpReply, baseHeaders: Record<string, string> = {}): void {
  const parts = reply.jsonParts;
  const body = parts ? '' : (reply.text ?? reply.jsonText ?? JSON.stringify(reply.json ?? null));
  // One list, written at once: the same headers, in the same order, as setting them one by one
  // (headers set on the response before, by Express's middleware, come first, as ever).
  const list: string[] = [];
  const preset = (res as WithPreset)[PRESET];
  if (preset) for (const name in preset) put(list, name, preset[name]);
  for (const name in baseHeaders) put(list, name, baseHeaders[name]);
  // The default type first: a reply may name its own (a script or a style sheet served as text).
  put(list, 'Content-Type', reply.text === undefined ? JSON_TYPE : TEXT_TYPE);
  if (reply.headers) for (const name in reply.headers) put(list, name, reply.headers[name]);
  let length = Buffer.byteLength(body);
  if (parts) for (const part of parts) length += Buffer.byteLength(part);
  put(list, 'Content-Length', String(length));
  const idAt = list.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === REQUEST_ID_HEADER);
  if (idAt >= 0) noteRequestId(res, list[idAt + 1]);
  res.writeHead(reply.status, list);
  if (res.req?.method === 'HEAD') res.end();
  else if (!parts) res.end(body);
  else if (length <= ONE_WRITE_BYTES) {
    // Written in one tick: Node sends them with the headers in one write to the socket.
    for (let i = 0; i < parts.length - 1; i++) res.write(parts[i]);
    res.end(parts[parts.length - 1]);
  } else void writeParts(res, parts);
}

/**
 * Sends pieces one at a time, each when the socket has taken the one before (or, when it has room,
 * after other work had its turn): encoding and buffering tens of megabytes in one synchronous loop
 * would stall the server and hold a second copy of the answer in the socket's buffer.
 */
async function writeParts(res: ServerResponse, parts: readonly (string | Buffer)[]): Promise<void> {
  for (const part of parts) {
    if (res.destroyed) return;
    if (res.write(part)) await yieldToLoop();
    else await drainedOrClosed(res);
  }
  res.end();
}

/** Resolves when the socket has room again, or the client is gone (the stream writers' one wait). */
export function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
