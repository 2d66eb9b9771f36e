/**
 * What a sandbox session stores: the changes its visitor made, in order, and nothing else (the world
 * they change is the shared fixture world). Each change is small JSON with the demo-clock second it
 * happened at (`at`); everything that follows from it (a start's INIT -> UP, a launched job's log)
 * is derived from that time when read, so a session needs no timers.
 *
 * The schema is checked when a change is read back from a shared store: an entry another version
 * wrote, or a damaged one, is dropped rather than trusted.
 */
import { z } from 'zod';
import { USER_ROLES } from '../vocab/statuses';

const name = z.string().min(1).max(255);
const at = z.number();
const ip = z.string().max(64);
const MAX_NODES = 512;

export const changeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stop'), cluster: name, at }),
  // The addresses the start operation assigned (recorded, so no second formula derives them);
  // absent in changes stored before they were recorded.
  z.object({
    kind: z.literal('start'),
    cluster: name,
    ips: z
      .array(z.tuple([ip, ip]))
      .max(MAX_NODES)
      .nullish(),
    at,
  }),
  z.object({ kind: z.literal('down'), cluster: name, at }),
  z.object({ kind: z.literal('autostop'), cluster: name, minutes: z.number().int().min(-1), down: z.boolean(), at }),
  z.object({ kind: z.literal('clear_jobs'), cluster: name, at }),
  z.object({ kind: z.literal('cancel'), cluster: name, jobId: z.number().int(), at }),
  z.object({ kind: z.literal('jobs_cancel'), jobId: z.number().int(), at }),
  z.object({ kind: z.literal('user_role'), userId: name, role: z.enum(USER_ROLES), at }),
  z.object({ kind: z.literal('workspace_set'), workspace: name, config: z.record(z.string(), z.unknown()), at }),
  z.object({ kind: z.literal('workspace_delete'), workspace: name, at }),
  z.object({ kind: z.literal('volume_delete'), volume: name, at }),
  z.object({ kind: z.literal('launch'), cluster: name, recipe: name, workspace: name, at }),
]);

export type Change = z.infer<typeof changeSchema>;

/** One change may hold at most this much JSON (a workspace's config is the only large one). */
export const MAX_CHANGE_BYTES = 8 * 1024;

/** The change as stored, or null when it is not one (a shared store's damaged entry). */
export function parseChange(text: string): Change | null {
  try {
    const parsed = changeSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
