/**
 * The client's address, for rate limits and for telling demo visitors apart. `X-Forwarded-For` is
 * believed only from proxies the operator trusts (`SKYPILOT_TRUSTED_PROXIES`: addresses, CIDRs or
 * `loopback`, `linklocal`, `uniquelocal`), taking the nearest address not itself a trusted proxy, as
 * Express's `trust proxy` does; otherwise the TCP peer is the client, whatever the headers say.
 */
import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';
import proxyaddr from 'proxy-addr';

export type TrustProxy = ((address: string, hop: number) => boolean) | null;

export function parseTrustedProxies(value: string | undefined): TrustProxy {
  const items = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.length) return null;
  try {
    return proxyaddr.compile(items);
  } catch (error) {
    throw new Error(`SKYPILOT_TRUSTED_PROXIES: ${(error as Error).message}`);
  }
}

export function clientAddress(raw: IncomingMessage, trust: TrustProxy): string {
  if (!trust) return raw.socket.remoteAddress ?? 'unknown';
  try {
    return proxyaddr(raw, trust);
  } catch {
    return raw.socket.remoteAddress ?? 'unknown';
  }
}

/** Headers a proxy adds: their presence means the caller is not the TCP peer, whatever it is. */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

/**
 * A caller on this machine talking to the server itself: a loopback TCP peer and no proxy header.
 * What only a local operator should learn (the server's pid, for `sky api stop`) is told to this
 * caller only. A balancer or nginx on the same host is a loopback peer too, but it adds
 * `X-Forwarded-For`, so a visitor behind it never counts as local; trusted proxies do not change
 * that (they make the forwarded address the client's, which is then not this machine).
 */
export function isLocalDirectCaller(raw: IncomingMessage): boolean {
  if (PROXY_HEADERS.some((name) => raw.headers[name] !== undefined)) return false;
  const peer = raw.socket.remoteAddress;
  if (!peer) return false;
  try {
    return ipaddr.process(peer).range() === 'loopback';
  } catch {
    return false;
  }
}
