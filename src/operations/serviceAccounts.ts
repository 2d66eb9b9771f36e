/**
 * Service accounts and their tokens, as upstream's `/users/service-account-tokens` endpoints
 * (sky/users/server.py): one account per token, a user of type `sa` named after the token. The
 * token is shown once, in the answer that creates (or rotates) it; only its sha256 is stored.
 *
 * Who may do what, as upstream's `check_service_account_token_permission`: everyone who may read
 * lists every token (metadata only); a user manages the tokens they created, an admin any token.
 * One difference, on purpose: giving an account the admin role needs an admin. Upstream lets a user
 * make their own account an admin, which is the escalation issue 19 closed for `/users/create`.
 */
import { randomBytes } from 'node:crypto';
import { HttpError } from '../errors';
import { permissionDenied } from '../http/access';
import { forgetServiceAccountTokens, rememberTokenSecret } from '../http/bearerAuth';
import { newTokenSecret, signToken, tokenHash } from '../http/serviceAccountToken';
import type { Identity } from '../state/currentUser';
import { globalUserState } from '../state/globalUserState';
import type { ServiceAccountTokenRow } from '../state/serviceAccountsState';
import type { UserRole } from '../vocab/statuses';
import { assertNothingActive } from './users';

/** Who asks: their identity and the role the endpoint table's check used. */
export interface TokenCaller {
  identity: Identity;
  role: UserRole;
}

/** An account made by a token's creation has this role until someone with the right changes it. */
const NEW_ACCOUNT_ROLE: UserRole = 'user';
const DAY_S = 86_400;

/** As upstream's list (`GET /users/service-account-tokens`): metadata, never the token or its hash. */
export interface ServiceAccountTokenRecord {
  token_id: string;
  token_name: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  creator_user_hash: string;
  creator_name: string;
  service_account_user_id: string;
  service_account_name: string;
  service_account_roles: string[];
}

/** The answer that shows a token: the only time it is ever shown. */
export interface IssuedToken {
  token_id: string;
  token_name: string;
  token: string;
  expires_at: number | null;
  service_account_user_id: string;
  creator_user_id?: string;
  message: string;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

function tokensOff(): HttpError {
  return new HttpError(
    409,
    'service_accounts_off',
    'NotSupportedError',
    'Service-account tokens are off on this server: its operator turns them on with SKYPILOT_SERVICE_ACCOUNTS=1.',
  );
}

function tokenNotFound(tokenId: string): HttpError {
  return new HttpError(404, 'token_not_found', 'NotFoundError', `Service-account token '${tokenId}' does not exist.`);
}

/** The server's signing secret: made and stored by the first replica that needs one, shared after. */
async function signingSecret(): Promise<string> {
  const secret = (await globalUserState.getTokenSecret()) ?? (await globalUserState.ensureTokenSecret(newTokenSecret()));
  rememberTokenSecret(secret);
  return secret;
}

/** `expires_in_days`: 0 or absent is never, as upstream. */
function expiryOf(days: number | null | undefined, now: number): number | null {
  return days ? now + days * DAY_S : null;
}

async function issue(accountId: string, expiresAt: number | null, now: number): Promise<{ tokenId: string; token: string }> {
  const tokenId = randomBytes(12).toString('base64url');
  const token = signToken(await signingSecret(), { userId: accountId, tokenId, issuedAt: now, expiresAt });
  return { tokenId, token };
}

/** The token `tokenId`, if `caller` may manage it (`what` names the action in the refusal). */
async function managed(caller: TokenCaller, tokenId: string, what: string): Promise<ServiceAccountTokenRow> {
  const row = await globalUserState.getServiceAccountToken(tokenId);
  if (!row) throw tokenNotFound(tokenId);
  if (caller.role !== 'admin' && (caller.role === 'viewer' || row.creator_user_hash !== caller.identity.id)) {
    throw permissionDenied(caller.role, `${what} a service-account token another user created`);
  }
  return row;
}

export async function listTokens(): Promise<ServiceAccountTokenRecord[]> {
  return (await globalUserState.listServiceAccountTokens()).map((t) => ({
    token_id: t.tokenId,
    token_name: t.tokenName,
    created_at: t.createdAt,
    last_used_at: t.lastUsedAt,
    expires_at: t.expiresAt,
    creator_user_hash: t.creatorUserHash,
    creator_name: t.creatorName ?? 'Unknown',
    service_account_user_id: t.serviceAccountUserId,
    service_account_name: t.serviceAccountName ?? t.tokenName,
    service_account_roles: [t.role ?? NEW_ACCOUNT_ROLE],
  }));
}

/** What a token is issued from: a name or an id, and a lifetime in days (none: it never expires). */
type Expiring<T> = T & { expires_in_days?: number | null };

export async function createToken(caller: TokenCaller, input: Expiring<{ token_name: string }>, enabled: boolean): Promise<IssuedToken> {
  if (!enabled) throw tokensOff();
  const now = nowSeconds();
  const accountId = `sa-${randomBytes(8).toString('hex')}`;
  const expiresAt = expiryOf(input.expires_in_days, now);
  const { tokenId, token } = await issue(accountId, expiresAt, now);
  const added = await globalUserState.addServiceAccount({
    token: {
      token_id: tokenId,
      token_name: input.token_name,
      token_hash: tokenHash(token),
      created_at: now,
      expires_at: expiresAt,
      creator_user_hash: caller.identity.id,
      service_account_user_id: accountId,
    },
    role: NEW_ACCOUNT_ROLE,
  });
  if (!added) {
    throw new HttpError(
      409,
      'service_account_exists',
      'UserExistsError',
      `A user named '${input.token_name}' already exists: use a different name.`,
    );
  }
  return {
    token_id: tokenId,
    token_name: input.token_name,
    token,
    expires_at: expiresAt,
    service_account_user_id: accountId,
    creator_user_id: caller.identity.id,
    message: 'Please save this token - it will not be shown again!',
  };
}

/** Deletes the token and its account (refused while the account owns clusters or active jobs). */
export async function deleteToken(caller: TokenCaller, input: { token_id: string }): Promise<{ message: string }> {
  const row = await managed(caller, input.token_id, 'delete');
  await assertNothingActive({ id: row.service_account_user_id, name: row.token_name });
  if (!(await globalUserState.deleteServiceAccount(row.token_id))) throw tokenNotFound(input.token_id);
  forgetServiceAccountTokens();
  return { message: 'Token deleted successfully' };
}

/**
 * A new token for the same account and role; the old one stops working at once. Without
 * `expires_in_days` the remaining lifetime is kept (at least a day; 30 days if it had expired), as
 * upstream.
 */
export async function rotateToken(caller: TokenCaller, input: Expiring<{ token_id: string }>, enabled: boolean): Promise<IssuedToken> {
  if (!enabled) throw tokensOff();
  const row = await managed(caller, input.token_id, 'rotate');
  const now = nowSeconds();
  let days = input.expires_in_days;
  if (days === undefined || days === null) {
    const left = row.expires_at === null ? null : row.expires_at - now;
    days = left === null ? 0 : left > 0 ? Math.max(1, Math.floor(left / DAY_S)) : 30;
  }
  const expiresAt = expiryOf(days, now);
  const { token } = await issue(row.service_account_user_id, expiresAt, now);
  if (!(await globalUserState.rotateServiceAccountToken(row.token_id, { tokenHash: tokenHash(token), expiresAt, createdAt: now }))) {
    throw tokenNotFound(input.token_id);
  }
  forgetServiceAccountTokens();
  return {
    token_id: row.token_id,
    token_name: row.token_name,
    token,
    expires_at: expiresAt,
    service_account_user_id: row.service_account_user_id,
    message: 'Token rotated successfully! Please save this new token - it will not be shown again!',
  };
}

export async function tokenRole(caller: TokenCaller, input: { token_id: string }) {
  const row = await managed(caller, input.token_id, 'view the role of');
  const role = (await globalUserState.getUserRole(row.service_account_user_id)) ?? NEW_ACCOUNT_ROLE;
  return { token_id: row.token_id, service_account_user_id: row.service_account_user_id, roles: [role] };
}

/** The caller applies it to the next request (cached roles are dropped by the route). */
export async function updateTokenRole(caller: TokenCaller, input: { token_id: string; role: UserRole }) {
  const row = await managed(caller, input.token_id, 'change the role of');
  if (input.role === 'admin' && caller.role !== 'admin') throw permissionDenied(caller.role, 'give a service account the admin role');
  await globalUserState.setUserRole(row.service_account_user_id, input.role);
  return {
    message: `Service account role updated to ${input.role}`,
    token_id: row.token_id,
    service_account_user_id: row.service_account_user_id,
    new_role: input.role,
  };
}
