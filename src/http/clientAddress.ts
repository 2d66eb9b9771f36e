/**
 * The client's address, for rate limits and for telling demo visitors apart. `X-Forwarded-For` is
 * believed only from proxies the operator trusts (`SKYPILOT_TRUSTED_PROXIES`: addresses, CIDRs or
 * `loopback`, `linklocal`, `uniquelocal`), taking the nearest address not itself a trusted proxy, as
 * Express's `trust proxy` does; otherwise the TCP peer is the client, whatever the headers say.
 */
import type { IncomingMessage } from 'node:http';
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
