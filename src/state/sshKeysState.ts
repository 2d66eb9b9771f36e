/** Per-user SSH key pairs the server uses to reach clusters (SkyPilot's `ssh_key` table). Sensitive. */
import type { StateContext } from './stateContext';
import { upsertRow } from './upsertRow';

export interface SshKeyPair {
  publicKey: string;
  privateKey: string;
}

export function createSshKeysState(ctx: StateContext) {
  return {
    async getSshKeys(userHash: string): Promise<SshKeyPair | null> {
      const db = await ctx.read();
      const row = await db
        .selectFrom('ssh_key')
        .select(['ssh_public_key', 'ssh_private_key'])
        .where('user_hash', '=', userHash)
        .executeTakeFirst();
      return row ? { publicKey: row.ssh_public_key, privateKey: row.ssh_private_key } : null;
    },

    async setSshKeys(userHash: string, keys: SshKeyPair): Promise<void> {
      const values = { ssh_public_key: keys.publicKey, ssh_private_key: keys.privateKey };
      await ctx.write((trx) => upsertRow(trx, 'ssh_key', 'user_hash', { user_hash: userHash, ...values }, values));
    },
  };
}

export type SshKeysState = ReturnType<typeof createSshKeysState>;
