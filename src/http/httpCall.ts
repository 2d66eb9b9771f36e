/**
 * The request and the answer as the endpoint code sees them, independent of the HTTP framework:
 * Express serves the long tail of endpoints, a lean handler in front of it serves the hottest ones
 * (src/http/fastPath.ts), and both hand endpoint code the same `HttpCall` and write the same
 * `HttpReply`, so headers, bodies and errors are identical whichever path answered.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

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
   * from disk as the bytes it is) is never joined into one string or buffer.
   */
  jsonParts?: readonly (string | Buffer)[];
  /**
   * A plain-text answer instead of JSON: what a client reading a log stream expects (a refused
   * streamed call answers an empty stream, whose request id carries the failure).
   */
  text?: string;
}

export function header(call: Pick<HttpCall, 'headers'>, name: string): string | undefined {
  const value = call.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Writes a reply as Express's `res.json` would: same content type, length and body bytes. */
export function writeReply(res: ServerResponse, reply: HttpReply, baseHeaders: Record<string, string> = {}): void {
  const parts = reply.jsonParts;
  const text = parts ? '' : (reply.text ?? reply.jsonText ?? JSON.stringify(reply.json ?? null));
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(baseHeaders)) res.setHeader(name, value);
  // The default type first: a reply may name its own (a script or a style sheet served as text).
  res.setHeader('Content-Type', reply.text === undefined ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8');
  if (reply.headers) for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  if (parts) {
    res.setHeader(
      'Content-Length',
      parts.reduce((sum, part) => sum + Buffer.byteLength(part), 0),
    );
    if (res.req?.method === 'HEAD') res.end();
    else void writeParts(res, parts);
    return;
  }
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(res.req?.method === 'HEAD' ? undefined : text);
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

function drainedOrClosed(res: ServerResponse): Promise<void> {
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
