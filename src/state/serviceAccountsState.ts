/**
 * Service accounts and their tokens (upstream's `service_account_tokens` beside its users table). A
 * service account is a user of type `sa` with an id `sa-<16 hex>` and one token; the token itself
 * is never stored, only its sha256 (`token_hash`), so the table cannot hand out a working token.
 * The signing secret of the tokens is one row of the `config` table, created once by whichever
 * replica needs it first and then shared by all of them.
 */
import type { UserRole } from '../vocab/statuses';
import type { StateContext } from './stateContext';
import type { ServiceAccountTokensTable } from './stateSchema';

/** The `config` key of the tokens' signing secret (upstream's `jwt_secret` system config). */
const SECRET_KEY = 'service_account_jwt_secret';

export type ServiceAccountTokenRow = ServiceAccountTokensTable;

/** A token as the list shows it: its row without the hash, with the names and role of the accounts. */
export interface ServiceAccountListing {
  tokenId: string;
  tokenName: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  creatorUserHash: string;
  creatorName: string | null;
  serviceAccountUserId: string;
  serviceAccountName: string | null;
  role: UserRole | null;
}

export interface NewServiceAccount {
  token: Omit<ServiceAccountTokenRow, 'last_used_at'>;
  role: UserRole;
}

export function createServiceAccountsState(ctx: StateContext) {
  return {
    /** The signing secret, or null before the first token was made. */
    async getTokenSecret(): Promise<string | null> {
      const db = await ctx.read();
      const row = await db.selectFrom('config').select('value').where('key', '=', SECRET_KEY).executeTakeFirst();
      return row ? (JSON.parse(row.value) as string) : null;
    },

    /**
     * The signing secret, storing `candidate` when there is none yet: one statement that cannot
     * insert twice, so replicas starting together agree on the first one stored.
     */
    async ensureTokenSecret(candidate: string): Promise<string> {
      return ctx.write(async (trx) => {
        await trx
          .insertInto('config')
          .values({ key: SECRET_KEY, value: JSON.stringify(candidate) })
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        const row = await trx.selectFrom('config').select('value').where('key', '=', SECRET_KEY).executeTakeFirstOrThrow();
        return JSON.parse(row.value) as string;
      });
    },

    /**
     * The account (a user of type `sa`), its role and its token, in one transaction. False, and
     * nothing written, when a user already has the name (upstream refuses a duplicate name).
     */
    async addServiceAccount(account: NewServiceAccount): Promise<boolean> {
      const { token, role } = account;
      return ctx.write(async (trx) => {
        const taken = await trx.selectFrom('users').select('id').where('name', '=', token.token_name).executeTakeFirst();
        if (taken) return false;
        await trx
          .insertInto('users')
          .values({
            id: token.service_account_user_id,
            name: token.token_name,
            password: null,
            created_at: token.created_at,
            user_type: 'sa',
          })
          .execute();
        await trx
          .insertInto('user_roles')
          .values({ user_id: token.service_account_user_id, role })
          .onConflict((oc) => oc.column('user_id').doUpdateSet({ role }))
          .execute();
        await trx
          .insertInto('service_account_tokens')
          .values({ ...token, last_used_at: null })
          .execute();
        return true;
      });
    },

    async getServiceAccountToken(tokenId: string): Promise<ServiceAccountTokenRow | null> {
      const db = await ctx.read();
      return (await db.selectFrom('service_account_tokens').selectAll().where('token_id', '=', tokenId).executeTakeFirst()) ?? null;
    },

    /** What authenticates a bearer token: the row its hash names (rotation replaces the hash). */
    async getServiceAccountTokenByHash(tokenHash: string): Promise<ServiceAccountTokenRow | null> {
      const db = await ctx.read();
      return (await db.selectFrom('service_account_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()) ?? null;
    },

    /** Every token, oldest first, with its creator's and account's names and the account's role. */
    async listServiceAccountTokens(): Promise<ServiceAccountListing[]> {
      const db = await ctx.read();
      const rows = await db
        .selectFrom('service_account_tokens as t')
        .leftJoin('users as creator', 'creator.id', 't.creator_user_hash')
        .leftJoin('users as sa', 'sa.id', 't.service_account_user_id')
        .leftJoin('user_roles as r', 'r.user_id', 't.service_account_user_id')
        .selectAll('t')
        .select(['creator.name as creator_name', 'sa.name as service_account_name', 'r.role'])
        .orderBy('t.created_at')
        .orderBy('t.token_id')
        .execute();
      return rows.map((r) => ({
        tokenId: r.token_id,
        tokenName: r.token_name,
        // PostgreSQL's bigint comes back as a string.
        createdAt: Number(r.created_at),
        lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
        expiresAt: r.expires_at === null ? null : Number(r.expires_at),
        creatorUserHash: r.creator_user_hash,
        creatorName: r.creator_name,
        serviceAccountUserId: r.service_account_user_id,
        serviceAccountName: r.service_account_name,
        role: (r.role as UserRole | null) ?? null,
      }));
    },

    /** A new token for the same account: the old one stops matching at once. False: no such token. */
    async rotateServiceAccountToken(
      tokenId: string,
      change: { tokenHash: string; expiresAt: number | null; createdAt: number },
    ): Promise<boolean> {
      return ctx.write(async (trx) => {
        const result = await trx
          .updateTable('service_account_tokens')
          .set({ token_hash: change.tokenHash, expires_at: change.expiresAt, created_at: change.createdAt, last_used_at: null })
          .where('token_id', '=', tokenId)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      });
    },

    /** The token, its account and the account's role, in one transaction. False: no such token. */
    async deleteServiceAccount(tokenId: string): Promise<boolean> {
      return ctx.write(async (trx) => {
        const row = await trx
          .selectFrom('service_account_tokens')
          .select('service_account_user_id')
          .where('token_id', '=', tokenId)
          .executeTakeFirst();
        if (!row) return false;
        await trx.deleteFrom('service_account_tokens').where('token_id', '=', tokenId).execute();
        await trx.deleteFrom('users').where('id', '=', row.service_account_user_id).where('user_type', '=', 'sa').execute();
        await trx.deleteFrom('user_roles').where('user_id', '=', row.service_account_user_id).execute();
        return true;
      });
    },

    /** Bookkeeping for the list's "last used": the caller throttles it (one write a minute per token). */
    async touchServiceAccountToken(tokenId: string, at: number): Promise<void> {
      await ctx.write(async (trx) => {
        await trx
          .updateTable('service_account_tokens')
          .set({ last_used_at: at })
          .where('token_id', '=', tokenId)
          .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
          .execute();
      });
    },
  };
}

export type ServiceAccountsState = ReturnType<typeof createServiceAccountsState>;
