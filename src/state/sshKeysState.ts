/** Per-user SSH key pairs the server uses to reach clusters (SkyPilot's `ssh_key` table). Sensitive. */
import type { StateContext } from './stateContext';

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
      await ctx.write(async (trx) => {
        await trx
          .insertInto('ssh_key')
          .values({ user_hash: userHash, ...values })
          .onConflict((oc) => oc.column('user_hash').doUpdateSet(values))
          .execute();
      });
    },
  };
}

export type SshKeysState = ReturnType<typeof createSshKeysState>;
