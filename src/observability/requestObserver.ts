/**
 * Measures every answered request once, whichever path answered it: the endpoint label is set by the
 * code that handled it (`labelEndpoint`), the status and time are read when the answer is finished.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEADERS } from '../vocab/headers';
import type { AccessLog } from './accessLog';
import type { Metrics } from './metrics';

const ENDPOINT = Symbol('skypilot.endpoint');

type Labelled = IncomingMessage & { [ENDPOINT]?: string };

const REQUEST_ID = Symbol('skypilot.requestId');

type Noted = ServerResponse & { [REQUEST_ID]?: string };

/**
 * An answer whose headers are written in one `writeHead` list (src/http/httpCall.ts) is invisible to
 * `getHeader`: it notes its request id here, so the access log still names it.
 */
export function noteRequestId(res: ServerResponse, requestId: string): void {
  (res as Noted)[REQUEST_ID] = requestId;
}

/** Names the endpoint that answers this request (a path from the endpoint table, or a fixed name). */
export function labelEndpoint(req: IncomingMessage, endpoint: string): void {
  (req as Labelled)[ENDPOINT] = endpoint;
}

/**
 * `clientOf`: the access log's `client` is the address as resolved with SKYPILOT_TRUSTED_PROXIES,
 * as the rate limit and the demo see it (behind nginx the raw socket address is the balancer's on
 * every line); the app passes its resolver, so this layer stays below the HTTP plumbing.
 */
export function observeRequests(
  metrics: Metrics | null,
  accessLog: AccessLog | null,
  clientOf: (req: IncomingMessage) => string = (req) => req.socket.remoteAddress ?? '',
) {
  if (!metrics && !accessLog) return null;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const endpoint = (req as Labelled)[ENDPOINT] ?? (res.statusCode === 404 ? 'not_found' : 'other');
      metrics?.observe(endpoint, req.method ?? 'GET', res.statusCode, seconds);
      if (accessLog) {
        const url = req.url ?? '';
        const requestId = res.getHeader(HEADERS.requestId) ?? (res as Noted)[REQUEST_ID];
        accessLog({
          method: req.method ?? '',
          path: url.split('?')[0].slice(0, 256),
          endpoint,
          status: res.statusCode,
          ms: Math.round(seconds * 1e4) / 10,
          requestId: typeof requestId === 'string' ? requestId : undefined,
          client: clientOf(req),
        });
      }
    });
  };
}
