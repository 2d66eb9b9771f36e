/**
 * Streamed answers backed by a stored request (`/logs`, `/jobs/logs`): upstream schedules these too
 * and streams the request's output in the POST's answer, with `X-Skypilot-Request-ID`. The official
 * CLI requires that header, prints the stream, then fetches the request from `/api/get` for the exit
 * code (an int) or the error. So the request is recorded like a read (memory only, owned by the
 * caller); a failure (no such cluster) is an empty 200 stream whose request FAILED, which the CLI
 * prints as one line, where a 4xx would have been a traceback.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { z } from 'zod';
import { serializeError } from '../requests/executor';
import { HEADERS } from '../vocab/headers';
import type { Need } from './access';
import type { AppContext } from './appContext';
import type { Endpoint } from './endpoint';
import { type Caller, resolveCaller } from './caller';
import { drainedOrClosed, type HttpCall } from './httpCall';
import { clientAddress } from './clientAddress';
import { admitFollow, type Followable, followLog, parseFollowLimits } from './logFollow';
import { startTextStream } from './streamText';
import { parseInput } from './validate';
import { assertClusterInScope } from './workspaceScope';

export interface StreamedOutput {
  text: string;
  /** The request's return value. */
  result: unknown;
  /** When the caller asked to follow and the log may still grow: how to read it again. */
  follow?: Followable;
}

interface StreamOptions {
  name: string;
  clusterName?: string | null;
  envVars?: Record<string, unknown> | null;
  produce: (caller: Caller) => Promise<StreamedOutput>;
}

export async function streamAsRequest(
  call: HttpCall,
  app: AppContext,
  res: ServerResponse,
  /** `follow`: the caller asked to follow the log (`follow: true`). */
  options: StreamOptions & { follow?: boolean },
): Promise<void> {
  const limits = parseFollowLimits(process.env, app.extensions.logFollowSeconds);
  // Refused before anything is stored or streamed: a typed 429 the client can show.
  const release = options.follow && limits.maxSeconds > 0 ? admitFollow(clientAddress(call.raw, app.trustProxy), limits) : null;
  try {
    await streamOutput(call, app, res, options, release ? limits.maxSeconds : 0);
  } finally {
    release?.();
  }
}

async function streamOutput(
  call: HttpCall,
  app: AppContext,
  res: ServerResponse,
  options: StreamOptions,
  followSeconds: number,
): Promise<void> {
  const caller = await resolveCaller(call, app, options.envVars ?? null);
  const { record } = await app.store.create(
    {
      requestId: randomUUID(),
      name: options.name,
      body: null,
      userId: caller.identity.id,
      userName: caller.identity.name,
      owner: caller.viewer.principal,
      clusterName: options.clusterName ?? null,
      scheduleType: 'short',
      durable: false,
    },
    randomUUID,
  );
  await app.store.setRunning(record);
  let output: StreamedOutput | null = null;
  try {
    if (options.clusterName) await assertClusterInScope(options.clusterName, caller);
    output = await options.produce(caller);
  } catch (error) {
    await app.store.finish(record, 'FAILED', 'null', serializeError(error));
  }
  // The result is known before the first byte: the request finishes now, and the stream ends with its
  // last slice, so a reader sees the end as soon as the text (a page that aborts a stream it no
  // longer needs finds it over more often), and a reader that leaves early leaves nothing running.
  // Unless the caller follows a log that may still grow: then the result is the job's exit code as
  // the follow ends, and the request finishes then.
  const following = output?.follow && followSeconds > 0 ? output.follow : null;
  if (output) {
    // Kept as the request's log too, so `sky api logs <id>` replays it (bounded by the store's cap).
    app.store.appendLog(record, output.text);
    if (!following) await app.store.finish(record, 'SUCCEEDED', JSON.stringify(output.result ?? null), null);
  }
  startTextStream(res, { [HEADERS.requestId]: record.requestId, [HEADERS.genericRequestId]: record.requestId });
  if (!output || !following) {
    await endWhileOpen(res, output?.text ?? '');
  } else {
    const open = await endWhileOpen(res, output.text, false);
    const result = open ? await followLog(res, following, followSeconds, output.result) : output.result;
    await app.store.finish(record, 'SUCCEEDED', JSON.stringify(result ?? null), null);
    res.end();
  }
  // Delivered (or abandoned): kept 15 s for the CLI's `/api/get` of the exit code, not a read's
  // ten minutes; the dashboards' log views open one of these per view and never fetch it.
  app.store.markStreamed(record.requestId);
}

/** Slice of a streamed answer handed to the socket at a time. */
const SLICE_CHARS = 64 * 1024;

/**
 * Writes `text` a slice at a time, each once the socket has taken the last, the last one with the
 * end of the answer (unless `finish` is false: a follow goes on writing; then: whether the client is
 * still there), and stops as soon as the client is gone: the official dashboard aborts one of the
 * two log streams each cluster page opens, and an abandoned stream should cost nothing more (no
 * megabytes queued for a closed socket, no wait left pending). Slices never split a surrogate pair.
 */
async function endWhileOpen(res: ServerResponse, text: string, finish = true): Promise<boolean> {
  let closed = res.destroyed;
  const onClose = () => {
    closed = true;
  };
  res.once('close', onClose);
  try {
    for (let at = 0; at < text.length && !closed; ) {
      let end = Math.min(at + SLICE_CHARS, text.length);
      if (end < text.length && (text.charCodeAt(end - 1) & 0xfc00) === 0xd800) end += 1;
      const slice = text.slice(at, end);
      at = end;
      if (at === text.length && finish) {
        res.end(slice);
        return true;
      }
      if (!res.write(slice) && !closed) await drainedOrClosed(res);
    }
    if (finish) res.end();
    return !closed;
  } finally {
    res.off('close', onClose);
  }
}

/**
 * A POST endpoint answered by `streamAsRequest`: the body is checked against `schema`, then
 * `produce` makes the output from it.
 */
export function streamedRequestEndpoint<S extends z.ZodType>(
  path: string,
  spec: {
    /** Who may call it; its effect is a read (it streams what a request produced). */
    role?: Need;
    name: string;
    schema: S;
    clusterName?: (body: z.infer<S>) => string | null;
    produce: (body: z.infer<S>, caller: Caller) => Promise<StreamedOutput>;
  },
): Endpoint {
  return {
    method: 'POST',
    path,
    effect: 'read',
    ...(spec.role ? { role: spec.role } : {}),
    stream: async (call, app, res) => {
      const body = parseInput(spec.schema, call.body);
      await streamAsRequest(call, app, res, {
        name: spec.name,
        clusterName: spec.clusterName?.(body) ?? null,
        envVars: (body as { env_vars?: Record<string, unknown> | null }).env_vars,
        follow: (body as { follow?: boolean | null }).follow === true,
        produce: (caller) => spec.produce(body, caller),
      });
    },
  };
}
