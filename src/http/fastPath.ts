/**
 * The lean path: the two requests every dashboard page and `sky status` make most (`POST /status` and
 * `GET /api/get`, with or without the `/internal/dashboard` prefix) are answered here, in front of
 * Express, skipping its router and middleware stack. Nothing about them differs from the Express
 * path: the same admission (hooks, rate limit, headers), the same body limits, the same endpoint code
 * from the same table and the same reply writer. Anything unusual (another content type, an encoded
 * body) is left to Express untouched.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import querystring from 'node:querystring';
import { andThen, isPromise } from '../common/maybeAsync';
import type { Endpoint } from './endpoint';
import { answer } from './endpoint';
import type { AppContext } from './appContext';
import { admit } from './admit';
import { errorReply } from './errorReply';
import type { HttpCall } from './httpCall';
import { presetHeaders, writeReply } from './httpCall';
import { isPlainJsonRequest, readJsonBody } from './jsonBody';
import { stripDashboardPrefix } from './protocolHeaders';

/** `/api/get`'s usual query, one plain request id, needs no decoding. */
const PLAIN_REQUEST_ID_QUERY = /^request_id=[\w.-]{1,128}$/;

/** The query's parameters; the usual one without `querystring`'s work (one known key: a plain object will do). */
function parseQuery(query: string): Record<string, unknown> {
  if (!PLAIN_REQUEST_ID_QUERY.test(query)) return querystring.parse(query);
  return { request_id: query.slice('request_id='.length) };
}

export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createFastPath(app: AppContext, endpoints: { status: Endpoint; apiGet: Endpoint }): FastPath {
  return (req, res) => {
    const url = stripDashboardPrefix(req.url ?? '');
    const mark = url.indexOf('?');
    const path = mark < 0 ? url : url.slice(0, mark);
    let endpoint: Endpoint;
    if (req.method === 'POST' && path === '/status' && isPlainJsonRequest(req)) endpoint = endpoints.status;
    else if (req.method === 'GET' && path === '/api/get') endpoint = endpoints.apiGet;
    else return false;
    const call: HttpCall = {
      method: req.method,
      path,
      query: mark < 0 ? {} : parseQuery(url.slice(mark + 1)),
      body: undefined,
      headers: req.headers,
      socketAddress: req.socket.remoteAddress,
      raw: req,
    };
    const fail = (error: unknown) => {
      if (res.headersSent) res.end();
      else writeReply(res, errorReply(error));
    };
    // Every step answers at once when nothing has to wait (an allowed read, a result held in
    // memory): the round trip then costs no promise and no turn of the microtask queue here.
    try {
      const done = andThen(admit(call, app), (admission) => {
        presetHeaders(res, admission.headers);
        if (admission.reply) {
          req.resume();
          writeReply(res, admission.reply);
          return;
        }
        if (call.method !== 'POST') return answer(endpoint, call, app, res);
        return readJsonBody(req, app.bodyLimitBytes).then((body) => {
          call.body = body;
          return answer(endpoint, call, app, res);
        });
      });
      if (isPromise(done)) done.catch(fail);
    } catch (error) {
      fail(error);
    }
    return true;
  };
}
