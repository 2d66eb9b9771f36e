/**
 * Volumes: listing and deleting. Rule kept here once: a volume attached to a live cluster cannot be
 * deleted (upstream refuses the same), and a delete names every volume it could not find.
 */
import { toVolumeRecord } from '../api/wireRecords';
import type { VolumeRecord } from '../api/wireTypes';
import { SkyPilotError } from '../errors';
import { globalUserState } from '../state/globalUserState';
import type { OpContext } from './opContext';

export async function listVolumes(): Promise<VolumeRecord[]> {
  return (await globalUserState.getVolumes()).map(toVolumeRecord);
}

export async function deleteVolumes(input: { names: string[] }, ctx: OpContext): Promise<null> {
  const volumes = new Map((await globalUserState.getVolumes()).map((v) => [v.name, v]));
  const missing = input.names.filter((n) => !volumes.has(n));
  if (missing.length) throw new SkyPilotError('VolumeNotFoundError', `Volume(s) not found: ${missing.join(', ')}.`);
  const liveClusters = new Set((await globalUserState.getClusters()).map((c) => c.name));
  for (const name of input.names) {
    const users = volumes.get(name)!.usedbyClusters.filter((c) => liveClusters.has(c));
    if (users.length) {
      throw new SkyPilotError('VolumeInUseError', `Volume '${name}' is in use by cluster(s) ${users.join(', ')}; terminate them first.`);
    }
  }
  for (const name of input.names) {
    await globalUserState.deleteVolume(name);
    ctx.log(`Deleted volume ${name}.\n`);
  }
  return null;
}
