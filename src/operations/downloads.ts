/**
 * `/download`: the job-log folders named by `/download_logs` and `/jobs/download_logs`, as zip
 * entries. `relative=home` names entries by their path under the home directory (the CLI unpacks
 * them into its own `~`), `relative=items` by each folder's last part (the dashboard's download).
 * A folder that names no job this caller can read is an error, never an empty archive.
 */
import { NotFoundError } from '../errors';
import { globalUserState } from '../state/globalUserState';
import { managedJobsState } from '../state/managedJobsState';
import { stateQueries } from '../state/stateQueries';
import { inScope } from '../state/workspaceAccess';
import type { Caller } from '../http/caller';
import { outsideScopeHttp, workspaceScopeOf } from '../http/workspaceScope';
import { LOG_FILE, type LogFolder, parseLogFolder } from './logFolders';

export interface DownloadEntry {
  name: string;
  text: string;
}

/** The workspace of the job a log folder names, or null when there is no such job. */
async function workspaceOf(folder: LogFolder): Promise<string | null> {
  if (folder.kind === 'managed') return (await stateQueries.getManagedJob(folder.jobId))?.workspace ?? null;
  return (await globalUserState.getClusters({ clusterNames: [folder.clusterName] }))[0]?.workspace ?? null;
}

export async function downloadFolders(
  folderPaths: readonly string[],
  relative: 'home' | 'items',
  caller: Pick<Caller, 'identity' | 'viewer'>,
): Promise<DownloadEntry[]> {
  const entries: DownloadEntry[] = [];
  const workspaces = await workspaceScopeOf(caller);
  for (const folder of folderPaths) {
    // A log is read in one synchronous step on SQLite, and awaiting it alone never lets the event
    // loop run: 100 of them would be one long tick. Each read waits its turn behind other requests.
    await new Promise((resolve) => setImmediate(resolve));
    const parsed = parseLogFolder(folder);
    // A job in a private workspace the caller is not in: the role checks' 403, before its log is read.
    const workspace = parsed && workspaces !== null ? await workspaceOf(parsed) : null;
    if (workspace !== null && !inScope(workspaces, workspace)) throw outsideScopeHttp(`The log folder '${folder}'`, workspace, caller);
    const log = !parsed
      ? null
      : parsed.kind === 'cluster'
        ? await globalUserState.getClusterJobLog(parsed.clusterName, parsed.jobId)
        : await managedJobsState.getJobLog(parsed.jobId);
    if (log === null) throw new NotFoundError(`No logs at '${folder}'.`, 'logs_not_found');
    const clean = folder.replace(/\/+$/, '');
    const base = relative === 'home' ? clean.replace(/^~\//, '') : clean.slice(clean.lastIndexOf('/') + 1);
    entries.push({ name: `${base}/${LOG_FILE}`, text: log });
  }
  return entries;
}
