/**
 * The edge against slow clients (slowloris): a connection must finish its headers within
 * HEADERS_TIMEOUT_MS and its whole request within REQUEST_TIMEOUT_MS (Node's defaults, 60 s and 300 s,
 * let 500 connections trickling a header line a second hold sockets for minutes), checked every
 * second; and one address holds at most MAX_CONNECTIONS_PER_ADDRESS open connections, past which a
 * new one is closed at once. A trusted proxy (`SKYPILOT_TRUSTED_PROXIES`) carries everyone's
 * connections and is not capped.
 */
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { TrustProxy } from './clientAddress';

export const HEADERS_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;
export const MAX_CONNECTIONS_PER_ADDRESS = 128;

export type ServerTimeouts = Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'>;

/** What `http.createServer` takes for the timeouts. */
export const SERVER_TIMEOUTS: ServerTimeouts = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  connectionsCheckingInterval: 1_000,
};

export function capConnectionsPerAddress(server: Server, trust: TrustProxy, max = MAX_CONNECTIONS_PER_ADDRESS): void {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (trust?.(address, 0)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
