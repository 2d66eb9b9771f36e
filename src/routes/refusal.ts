/**
 * How a request refused before routing (by an extension hook: the demo's read-only guard) is
 * answered. A scheduled endpoint's clients only understand failures that come as failed requests:
 * the official CLI turns a 4xx on the POST into a raw `HTTPError` traceback without our text, and the
 * official dashboard shows "Forbidden (status 403)". So a refused scheduled call is accepted (200 and
 * a request id) and its request is already FAILED with the refusal, recorded as the Python class the
 * client rebuilds (`PermissionDeniedError` for a 403). Upstream's endpoints this build lacks are
 * refused in the shape their clients read (src/routes/unsupportedRoutes.ts: a failed request, an
 * empty stream with one, or `/validate`'s serialized exception), so `sky launch` prints the refusal in
 * one line instead of a traceback. Other direct endpoints get the typed error, whose `detail` the
 * dashboard's users page shows.
 *
 * Bounded: the failed request is a read-tier record (memory only, never durable, evicted like any
 * finished read), and each one takes a token from the per-client rate limit first.
 */
import type { HttpError } from '../errors';
import type { AppContext } from '../http/appContext';
import type { Endpoint } from '../http/endpoint';
import { errorReply } from '../http/errorReply';
import type { HttpCall, HttpReply } from '../http/httpCall';
import { failedRequestReply, type ScheduledSpec } from '../http/scheduled';
import { pythonExceptionClass } from '../vocab/errorTypes';
import { refusalMessage } from './refusalWording';
import { refusalInKind, unsupportedAt } from './unsupportedRoutes';

/** `endpoints`: the app's own and its extensions', as mounted. */
export function refusalFor(call: HttpCall, app: AppContext, address: string, endpoints: readonly Endpoint[]) {
  return async (error: HttpError, target: { method: string; path: string }): Promise<HttpReply> => {
    const own = endpoints.find((e) => e.method === target.method && e.path === target.path);
    const spec = own && 'scheduled' in own ? own.scheduled : null;
    // A direct endpoint an extension adds in upstream's place (the sandbox's /validate) refuses in
    // upstream's shape, which is what its clients read.
    const upstream = spec ? undefined : unsupportedAt(target);
    const storesRequest = spec !== null || upstream?.answer === 'request' || upstream?.answer === 'stream';
    if (!storesRequest) return upstream ? refusalInKind(upstream, error, call, app) : errorReply(error);
    if (app.rateLimit) {
      try {
        await app.rateLimit.take(address);
      } catch (limited) {
        return errorReply(limited);
      }
    }
    if (upstream) return refusalInKind(upstream, error, call, app);
    const named = spec as ScheduledSpec;
    return failedRequestReply(named, call, app, {
      type: pythonExceptionClass(error.type),
      message: refusalMessage(named.name, error.message),
    });
  };
}
