/** Per-user SSH key pairs the server uses to reach clusters (SkyPilot's `ssh_key` table). Sensitive. */
import { prepared } from './database';

export interface SshKeyPair {
  publicKey: string;
  privateKey: string;
}

export const sshKeysState = {
  async getSshKeys(userHash: string): Promise<SshKeyPair | null> {
    const row = prepared('SELECT ssh_public_key, ssh_private_key FROM ssh_key WHERE user_hash = ?')
      .get(userHash) as { ssh_public_key: string; ssh_private_key: string } | undefined;
    return row ? { publicKey: row.ssh_public_key, privateKey: row.ssh_private_key } : null;
  },

  async setSshKeys(userHash: string, keys: SshKeyPair): Promise<void> {
    prepared(`INSERT INTO ssh_key (user_hash, ssh_public_key, ssh_private_key) VALUES (?, ?, ?)
      ON CONFLICT(user_hash) DO UPDATE SET ssh_public_key = excluded.ssh_public_key,
        ssh_private_key = excluded.ssh_private_key`).run(userHash, keys.publicKey, keys.privateKey);
  },
};
