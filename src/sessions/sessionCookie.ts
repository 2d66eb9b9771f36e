/**
 * The browser's side of a session: one cookie, HttpOnly (page scripts never see the id),
 * SameSite=Lax (other sites cannot make a visitor's browser write with it), Path=/ (the dashboard
 * and `/internal/dashboard` calls share it), Secure behind TLS. It outlives the session on purpose:
 * a browser that comes back with an expired session's cookie is told its session expired, rather than
 * silently getting a new one.
 */
import { header, type HttpCall } from '../http/httpCall';

export const SESSION_COOKIE = 'skyts_demo_session';

/** The cookie's value as sent, or null (absent, or malformed cookies, which are ignored). */
export function readSessionCookie(call: Pick<HttpCall, 'headers'>): string | null {
  const cookies = header(call, 'cookie');
  if (!cookies || cookies.length > 8192) return null;
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return null;
}

/** Behind TLS: the socket is encrypted, or the balancer says the request came over https. */
export function isSecure(call: Pick<HttpCall, 'headers' | 'raw'>): boolean {
  return (
    Boolean((call.raw.socket as { encrypted?: boolean } | undefined)?.encrypted) ||
    header(call, 'x-forwarded-proto')?.split(',')[0].trim().toLowerCase() === 'https'
  );
}

export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
