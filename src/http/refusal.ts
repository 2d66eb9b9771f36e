/**
 * How a request refused before routing (by an extension hook: the demo's read-only guard) is
 * answered. A scheduled endpoint's clients only understand failures that come as failed requests:
 * the official CLI turns a 4xx on the POST into a raw `HTTPError` traceback without our text, and the
 * official dashboard shows "Forbidden (status 403)". So a refused scheduled call is accepted (200 and
 * a request id) and its request is already FAILED with the refusal, recorded as the Python class the
 * client rebuilds (`PermissionDeniedError` for a 403). Direct endpoints get the typed error, whose
 * `detail` the dashboard's users page shows.
 *
 * Bounded: the failed request is a read-tier record (memory only, never durable, evicted like any
 * finished read), and each one takes a token from the per-client rate limit first.
 */
import { appExtensions } from '../appExtensions';
import type { HttpError } from '../errors';
import { ALL_ENDPOINTS } from '../routes/endpoints';
import { pythonExceptionClass } from '../vocab/errorTypes';
import type { AppContext } from './appContext';
import { errorReply } from './errorReply';
import type { HttpCall, HttpReply } from './httpCall';
import { failedRequestReply } from './scheduled';

export function refusalFor(call: HttpCall, app: AppContext, address: string) {
  return async (error: HttpError, target: { method: string; path: string }): Promise<HttpReply> => {
    const endpoint = [...ALL_ENDPOINTS, ...appExtensions.endpoints].find((e) => e.method === target.method && e.path === target.path);
    if (!endpoint || !('scheduled' in endpoint)) return errorReply(error);
    if (app.rateLimit) {
      try {
        await app.rateLimit.take(address);
      } catch (limited) {
        return errorReply(limited);
      }
    }
    return failedRequestReply(endpoint.scheduled, call, app, { type: pythonExceptionClass(error.type), message: error.message });
  };
}
