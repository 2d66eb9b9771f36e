/**
 * The protocol's own endpoints: health, request results (`/api/get`), request listing, cancel and log
 * streaming, plugins and shell completion.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { HealthResponse, RequestPayload } from '../api/wireTypes';
import { HttpError, NotFoundError } from '../errors';
import type { AppContext } from '../http/appContext';
import { callerOf } from '../http/caller';
import { scheduled } from '../http/scheduled';
import { startTextStream } from '../http/streamText';
import { baseBody, parseInput, queryBool } from '../http/validate';
import { FINISHED_STATUSES } from '../requests/requestStore';
import { globalUserState } from '../state/globalUserState';
import { API_VERSION, COMMIT, VERSION } from '../version';

const getQuery = z.looseObject({ request_id: z.string().min(1, 'request_id is required') });
const statusQuery = z.looseObject({
  request_ids: z.union([z.string(), z.array(z.string())]).nullish(),
  all_status: queryBool.nullish(),
  limit: z.coerce.number().int().positive().max(10000).nullish(),
});
const streamQuery = z.looseObject({
  request_id: z.string().nullish(),
  follow: queryBool.nullish(),
  tail: z.coerce.number().int().nullish(),
  format: z.enum(['auto', 'plain', 'html', 'console']).nullish(),
});
const cancelBody = z.looseObject({ ...baseBody, request_ids: z.array(z.string()).nullish(), user_id: z.string().nullish() });

/** How long one `/api/stream` follow waits for new output before checking again. */
const STREAM_POLL_MS = 250;

function findRequest(app: AppContext, id: string): RequestPayload {
  const found = app.store.find(id);
  if (found === 'ambiguous') {
    throw new HttpError(400, 'ambiguous_request_id', 'ValidationError', `Request id prefix '${id}' matches several requests.`);
  }
  if (!found) throw new NotFoundError(`Request '${id}' not found.`, 'request_not_found');
  return found;
}

export function apiRoutes(app: AppContext): Router {
  const router = Router();

  router.get('/api/health', (req, res) => {
    const user = callerOf(req, app.authUserHeader);
    const body: HealthResponse = {
      status: 'healthy',
      api_version: String(API_VERSION),
      version: VERSION,
      version_on_disk: VERSION,
      commit: COMMIT,
      user: { id: user.id, name: user.name },
      basic_auth_enabled: false,
      service_account_token_enabled: false,
      ingress_basic_auth_enabled: false,
      external_proxy_auth_enabled: app.authUserHeader !== null,
      pid: process.pid,
    };
    res.json(body);
  });

  router.get('/api/get', async (req, res) => {
    const { request_id: id } = parseInput(getQuery, req.query, 'query');
    const found = findRequest(app, id);
    const payload = await app.executor.waitUntilFinished(found.request_id, app.getTimeoutMs);
    if (!payload) throw new NotFoundError(`Request '${id}' not found.`, 'request_not_found');
    if (!FINISHED_STATUSES.has(payload.status)) {
      // Clients retry 504, so a long request is simply waited for again.
      throw new HttpError(504, 'request_not_finished', 'RequestTimeout',
        `Request '${payload.request_id}' is still ${payload.status}; try again.`);
    }
    if (payload.status === 'FAILED') {
      res.status(500).json({ detail: payload });
      return;
    }
    res.json(payload);
  });

  router.get('/api/status', (req, res) => {
    const q = parseInput(statusQuery, req.query, 'query');
    const ids = typeof q.request_ids === 'string' ? q.request_ids.split(',') : q.request_ids ?? null;
    res.json(app.store.list({ requestIds: ids, allStatus: q.all_status === true, limit: q.limit ?? null }));
  });

  router.post('/api/cancel', scheduled(app, {
    name: 'sky.api_cancel',
    schema: cancelBody,
    run: async (body, ctx) => {
      const targets = body.request_ids
        ?? app.store.list({ allStatus: false, userId: body.user_id ?? ctx.user.id }).map((r) => r.request_id);
      return targets.filter((id) => id !== ctx.requestId && app.executor.cancel(id));
    },
  }));

  router.get('/api/stream', async (req, res) => {
    const q = parseInput(streamQuery, req.query, 'query');
    const target = q.request_id ? findRequest(app, q.request_id) : app.store.latest();
    if (!target) throw new NotFoundError('No request to stream.', 'request_not_found');
    const id = target.request_id;
    res.setHeader('X-SkyPilot-Stream-Request-ID', id);
    startTextStream(res);
    let sent = 0;
    let closed = false;
    req.on('close', () => { closed = true; });
    const flush = () => {
      const log = app.store.getLog(id);
      if (log.length > sent) res.write(log.slice(sent));
      sent = log.length;
    };
    for (;;) {
      flush();
      const current = app.store.get(id);
      if (!current || FINISHED_STATUSES.has(current.status) || q.follow === false || closed) {
        if (current?.status === 'CANCELLED') res.write(`'${current.name}' request ${id} cancelled\n`);
        break;
      }
      await app.executor.onceActivity(id, STREAM_POLL_MS);
    }
    res.end();
  });

  router.get('/api/plugins', (_req, res) => {
    res.json({ plugins: [] });
  });

  router.get('/api/completion/cluster_name', async (req, res) => {
    const incomplete = typeof req.query.incomplete === 'string' ? req.query.incomplete : '';
    res.json(await globalUserState.getClusterNamesStartWith(incomplete));
  });

  return router;
}
