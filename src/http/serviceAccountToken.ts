/**
 * Service-account tokens as upstream issues them (`sky/users/token_service.py`): `sky_` and an HS256
 * JWT with upstream's one-letter claims (`i` issuer `sky`, `t` issued at, `u` the account's user id,
 * `k` the token id, `y` type `sa`, `e` and `exp` the expiry, absent for a token that never expires),
 * signed with the server's secret. The signature keeps forged tokens from costing a database look-up;
 * the stored sha256 of the whole token decides whether it still counts (revoked, rotated).
 * Pure functions: no state, no clock of their own.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'sky_';
/** Upstream's tokens are ~200 characters; anything far longer is not one, and is not hashed or parsed. */
const MAX_TOKEN_LENGTH = 2048;
const ISSUER = 'sky';
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export interface TokenClaims {
  /** The service account's user id (`sa-...`). */
  userId: string;
  tokenId: string;
  issuedAt: number;
  /** Epoch seconds; null: never expires. */
  expiresAt: number | null;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

/** A new signing secret (upstream: `secrets.token_urlsafe(64)`). */
export function newTokenSecret(): string {
  return randomBytes(64).toString('base64url');
}

/** What is stored of a token: its sha256, as upstream stores it. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function signature(secret: string, signed: string): Buffer {
  return createHmac('sha256', secret).update(signed).digest();
}

export function signToken(secret: string, claims: TokenClaims): string {
  const payload: Record<string, unknown> = { i: ISSUER, t: claims.issuedAt, u: claims.userId, k: claims.tokenId, y: 'sa' };
  if (claims.expiresAt !== null) {
    payload.e = claims.expiresAt;
    payload.exp = claims.expiresAt;
  }
  const signed = `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${TOKEN_PREFIX}${signed}.${signature(secret, signed).toString('base64url')}`;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Checks a token's form, signature and expiry; whether it is still stored is the caller's look-up. */
export function verifyToken(token: string, secret: string, nowSeconds: number): TokenCheck {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.slice(TOKEN_PREFIX.length).split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) return { ok: false, reason: 'malformed' };
  const [header, body, sig] = parts;
  let head: unknown;
  let payload: Record<string, unknown>;
  try {
    head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  // Only HS256: a token naming another algorithm (`none`) is not ours, whatever its signature.
  if ((head as { alg?: unknown } | null)?.alg !== 'HS256' || typeof payload !== 'object' || payload === null) {
    return { ok: false, reason: 'malformed' };
  }
  const expected = signature(secret, `${header}.${body}`);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  const { i, t, u, k, y } = payload;
  const expiry = payload.exp ?? payload.e;
  if (i !== ISSUER || y !== 'sa' || typeof u !== 'string' || typeof k !== 'string' || typeof t !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  if (expiry !== undefined && typeof expiry !== 'number') return { ok: false, reason: 'malformed' };
  if (typeof expiry === 'number' && expiry < nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { userId: u, tokenId: k, issuedAt: t, expiresAt: typeof expiry === 'number' ? expiry : null } };
}
