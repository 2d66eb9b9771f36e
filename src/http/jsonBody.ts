/**
 * JSON bodies, bounded before they are parsed: a body over the size limit is a 413, and one nested
 * deeper than MAX_JSON_DEPTH, or with more than MAX_JSON_KEYS object members or MAX_JSON_VALUES
 * values in all, is a 400, found by one linear scan of the bytes (a few milliseconds for the largest
 * body), so no parser or validator ever recurses into a hostile body (10 KB of `[` would otherwise
 * overflow the stack later) or builds 95,000 keys (100 ms of event loop for everyone else).
 */
import type { IncomingMessage } from 'node:http';
import { HttpError, ValidationError } from '../errors';

export const MAX_JSON_DEPTH = 64;
/** Object members in a whole body: SkyPilot's largest (a server config, env vars) have hundreds. */
const MAX_JSON_KEYS = 2000;
/** Values in a whole body: `/cost_report` may name 10,000 cluster hashes. */
const MAX_JSON_VALUES = 20_000;
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** The bytes the scan looks at: the structure and the string delimiters. */
const BYTE = { '{': 0x7b, '[': 0x5b, '}': 0x7d, ']': 0x5d, '"': 0x22, '\\': 0x5c, ':': 0x3a, ',': 0x2c } as const;

export class JsonTooDeepError extends ValidationError {
  constructor() {
    super(`Request body nests deeper than ${MAX_JSON_DEPTH} levels.`, [
      { path: 'body', message: `at most ${MAX_JSON_DEPTH} levels of nesting` },
    ]);
  }
}

class JsonTooLargeError extends ValidationError {
  constructor(what: string, limit: number) {
    super(`Request body has more than ${limit} ${what}.`, [{ path: 'body', message: `at most ${limit} ${what}` }]);
  }
}

/**
 * Throws JsonTooDeepError when objects and arrays nest deeper than `maxDepth`, JsonTooLargeError
 * past the member or value counts (a colon outside a string is a member; a comma, and each object
 * or array opened, one more value).
 */
export function checkJsonDepth(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): void {
  let depth = 0;
  let keys = 0;
  let values = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === BYTE['\\']) i++;
      else if (b === BYTE['"']) inString = false;
    } else if (b === BYTE['"']) {
      inString = true;
    } else if (b === BYTE['{'] || b === BYTE['[']) {
      if (++depth > maxDepth) throw new JsonTooDeepError();
      if (++values > MAX_JSON_VALUES) throw new JsonTooLargeError('values', MAX_JSON_VALUES);
    } else if (b === BYTE['}'] || b === BYTE[']']) {
      depth--;
    } else if (b === BYTE[':']) {
      if (++keys > MAX_JSON_KEYS) throw new JsonTooLargeError('object members', MAX_JSON_KEYS);
    } else if (b === BYTE[',']) {
      if (++values > MAX_JSON_VALUES) throw new JsonTooLargeError('values', MAX_JSON_VALUES);
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
