/**
 * Dashboard files sent compressed: brotli or gzip by the client's `Accept-Encoding`, for text files
 * (scripts, styles, pages, JSON, SVG) of at least 1 KiB. A cold load of the official export is
 * ~2.4 MB of JavaScript: compressed once per file version (path, size, mtime) in the thread pool,
 * never on the event loop, and kept in a bounded cache (64 MiB, oldest evicted first) so each
 * replica compresses a file once, not once per visitor.
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { Request, Response } from 'express';

const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.json', '.svg', '.txt', '.map', '.xml']);
const MIN_BYTES = 1024;
/** Files past this are sent as they are: a dashboard asset is far smaller. */
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;
const CACHE_BYTES = 64 * 1024 * 1024;

type Encoding = 'br' | 'gzip';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

const cache = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(key: string, body: Buffer): void {
  if (body.length > CACHE_BYTES) return;
  cache.set(key, body);
  cachedBytes += body.length;
  for (const [oldKey, old] of cache) {
    if (cachedBytes <= CACHE_BYTES) break;
    cache.delete(oldKey);
    cachedBytes -= old.length;
  }
}

/** The encoding to send, from `Accept-Encoding` (q=0 refuses one); null for none. */
export function chooseEncoding(accept: string | undefined): Encoding | null {
  if (!accept) return null;
  const offered = new Map<string, number>();
  for (const part of accept.toLowerCase().split(',')) {
    const [name, ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    offered.set(name.trim(), q ? Number(q[1]) : 1);
  }
  const accepts = (name: string) => (offered.get(name) ?? offered.get('*') ?? 0) > 0;
  if (accepts('br')) return 'br';
  if (accepts('gzip')) return 'gzip';
  return null;
}

async function compressed(file: string, stat: fs.Stats, encoding: Encoding): Promise<Buffer> {
  const key = `${encoding}\u0000${file}\u0000${stat.size}\u0000${stat.mtimeMs}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const source = await fs.promises.readFile(file);
  const body =
    encoding === 'br'
      ? await brotli(source, {
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: source.length },
        })
      : await gzip(source, { level: 9 });
  remember(key, body);
  return body;
}

/**
 * Sends `file` with `cacheControl`, compressed when it is worth it and the client accepts it;
 * otherwise hands it to `sendPlain` (express's sendFile: ranges, HEAD, errors).
 */
export async function sendDashboardFile(req: Request, res: Response, file: string, sendPlain: () => void): Promise<void> {
  res.vary('Accept-Encoding');
  const encoding = COMPRESSIBLE.has(path.extname(file).toLowerCase()) ? chooseEncoding(req.get('accept-encoding')) : null;
  if (!encoding) return sendPlain();
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    return sendPlain();
  }
  if (stat.size < MIN_BYTES || stat.size > MAX_SOURCE_BYTES) return sendPlain();
  const body = await compressed(file, stat, encoding);
  res.type(path.extname(file));
  res.set('Content-Encoding', encoding);
  res.set('Content-Length', String(body.length));
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}
