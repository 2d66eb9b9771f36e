/**
 * What serves the configured endpoint, for `sky api stop`: a server started outside the CLI (`npm
 * start`, a service manager) has no pid file, but this server reports its pid in `/api/health`.
 * The pid is only trusted when the endpoint is on this machine and the process looks like our
 * server, since a pid behind a port-forward (a container) means something else here.
 */
import { ApiError } from '../client/apiError';
import { type Env, isLocalEndpoint } from '../client/endpoint';
import { newClient } from './context';
import type { CliIo } from './io';
import { commandLineOf, isAlive, looksLikeOurServer } from './serverProcess';

export type EndpointServer =
  | { kind: 'ours'; endpoint: string; pid: number }
  | { kind: 'not-running'; endpoint: string }
  /** Something we must not or cannot stop; `reason` is one line saying why. */
  | { kind: 'refused'; endpoint: string; reason: string };

export async function findEndpointServer(io: CliIo, env: Env): Promise<EndpointServer> {
  const probe = newClient(io, env, false, { retry: { maxAttempts: 1 }, checkVersion: false, healthTimeoutMs: 2_000 });
  const endpoint = probe.endpoint;
  if (!isLocalEndpoint(endpoint)) {
    return {
      kind: 'refused',
      endpoint,
      reason: `The API server at ${endpoint} is not on this machine; \`sky api stop\` only stops local servers.`,
    };
  }
  let pid: unknown;
  try {
    pid = (await probe.health()).pid;
  } catch (err) {
    if (err instanceof ApiError && err.isNetworkError()) return { kind: 'not-running', endpoint };
    return {
      kind: 'refused',
      endpoint,
      reason: `The server at ${endpoint} did not answer /api/health (${(err as Error).message}); not stopping it.`,
    };
  }
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) {
    return {
      kind: 'refused',
      endpoint,
      reason: `The server at ${endpoint} does not report its pid (not skypilot-ts, or an older one); stop it where it was started.`,
    };
  }
  if (!isAlive(pid)) {
    return {
      kind: 'refused',
      endpoint,
      reason: `The server at ${endpoint} reports pid ${pid}, which is no process here (a container or a port-forward?); stop it where it runs.`,
    };
  }
  if (!looksLikeOurServer(pid, false)) {
    const command = commandLineOf(pid) ?? 'command unknown';
    return {
      kind: 'refused',
      endpoint,
      reason: `The server at ${endpoint} reports pid ${pid}, which is not a skypilot-ts server here (${command}); not stopping it.`,
    };
  }
  return { kind: 'ours', endpoint, pid };
}
