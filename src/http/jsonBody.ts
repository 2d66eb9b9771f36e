/**
 * JSON bodies, bounded before they are parsed: a body over the size limit is a 413, and one nested
 * deeper than MAX_JSON_DEPTH is a 400, found by a linear scan of the bytes, so no parser or validator
 * ever recurses into a hostile body (10 KB of `[` would otherwise overflow the stack later).
 */
import type { IncomingMessage } from 'node:http';
import { HttpError, ValidationError } from '../errors';

export const MAX_JSON_DEPTH = 64;
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class JsonTooDeepError extends ValidationError {
  constructor() {
    super(`Request body nests deeper than ${MAX_JSON_DEPTH} levels.`, [
      { path: 'body', message: `at most ${MAX_JSON_DEPTH} levels of nesting` },
    ]);
  }
}

/** Throws JsonTooDeepError when objects and arrays nest deeper than `maxDepth`. */
export function checkJsonDepth(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) {
      inString = true;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > maxDepth) throw new JsonTooDeepError();
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
    }
  }
}

export function payloadTooLarge(): HttpError {
  return new HttpError(413, 'payload_too_large', 'PayloadTooLarge', 'Request body is too large.');
}

export function invalidJson(): HttpError {
  return new HttpError(400, 'invalid_json', 'ValidationError', 'Request body is not valid JSON.');
}

/** Bodies the lean path parses itself: plain JSON in UTF-8; anything else goes to Express's parser. */
export function isPlainJsonRequest(req: IncomingMessage): boolean {
  if (req.headers['content-encoding']) return false;
  const type = req.headers['content-type'];
  if (!type) return req.headers['content-length'] === undefined || req.headers['content-length'] === '0';
  return /^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type);
}

/** Reads and parses a JSON body as express.json (strict) would, bounded by `limit` bytes. */
export function readJsonBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT_BYTES): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) {
      req.resume();
      reject(payloadTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(payloadTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      if (!failed) reject(new HttpError(400, 'request_aborted', 'ValidationError', 'Request body was aborted.'));
      failed = true;
    });
    req.on('end', () => {
      if (failed) return;
      if (!req.headers['content-type'] || size === 0) {
        resolve(undefined);
        return;
      }
      const bytes = Buffer.concat(chunks, size);
      try {
        checkJsonDepth(bytes);
      } catch (error) {
        reject(error);
        return;
      }
      const text = bytes.toString('utf8');
      const first = text.trimStart()[0];
      if (first !== '{' && first !== '[') {
        reject(invalidJson());
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(invalidJson());
      }
    });
  });
}
