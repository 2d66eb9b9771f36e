/**
 * The demo's reads over a generated org (generatedOrg.ts): each answers from the objects it needs,
 * built fresh (so handed out without a copy) and in slices of `SLICE` objects with a turn of the
 * event loop between, so no read holds the loop for long however big the org. Managed jobs are
 * paged the way `queryManagedJobs` pages them (jobs newest first, whole jobs per page), merged with
 * the fixture world's.
 */
import { queryManagedJobs } from '../state/managedJobQuery';
import type {
  ClusterEvent,
  ClusterFilter,
  ClusterHistoryRecord,
  ClusterRecord,
  ManagedJob,
  ManagedJobPage,
  ManagedJobQuery,
} from '../state/records';
import { hashOf } from './clusterRecord';
import {
  clusterHead,
  clusterIndex,
  clusterName,
  generatedCluster,
  generatedClusterJobLog,
  generatedClusterJobs,
  generatedEvents,
  generatedHistory,
  historyNumberOf,
  historyNumbers,
} from './generatedClusters';
import { type Head, headsAt, managedJobLog, managedJobRecord, matching, planOfId, visible } from './generatedManagedJobs';
import { makeOrg, type Org, SLICE, yieldToLoop } from './generatedOrg';
import type { GeneratedSpec } from './generatedSpec';
import { historyOf } from './clusterHistory';

const orgs = new WeakMap<GeneratedSpec, Org>();

/** The org of a fixture version's `generated` section, made once per version. */
export function orgOf(spec: GeneratedSpec, seed: number, workspaces: readonly string[]): Org {
  const org = orgs.get(spec) ?? makeOrg(spec, seed, workspaces);
  orgs.set(spec, org);
  return org;
}

/** Clusters matching `filter`, newest launch first, after the fixture world's (`place` offsets addresses). */
export async function orgClusters(org: Org, t: number, filter: ClusterFilter, place: number): Promise<ClusterRecord[]> {
  const out: ClusterRecord[] = [];
  for (let i = 0; i < org.spec.clusters; i++) {
    if (i % SLICE === SLICE - 1) await yieldToLoop();
    const head = clusterHead(org, i);
    if (filter.workspaces && !filter.workspaces.includes(head.workspace)) continue;
    if (filter.userHashes && !filter.userHashes.includes(head.userHash)) continue;
    if (filter.clusterNames && !filter.clusterNames.includes(head.name)) continue;
    out.push(generatedCluster(org, i, t, place + i));
  }
  return out;
}

/** Cluster hashes to indexes, made once per org in slices (a hash costs a few microseconds). */
const hashIndexes = new WeakMap<Org, Promise<Map<string, number>>>();
async function indexOfHash(org: Org, hash: string): Promise<number | null> {
  let table = hashIndexes.get(org);
  if (!table) {
    table = (async () => {
      const map = new Map<string, number>();
      for (let i = 0; i < org.spec.clusters; i++) {
        if (i % 100 === 99) await yieldToLoop();
        map.set(hashOf(clusterName(i)), i);
      }
      return map;
    })();
    hashIndexes.set(org, table);
  }
  return (await table).get(hash) ?? null;
}

export async function orgClusterEvents(org: Org, t: number, nameOrHash: string, limit?: number | null): Promise<ClusterEvent[] | null> {
  const i = clusterIndex(org, nameOrHash) ?? (/^[0-9a-f-]{36}$/.test(nameOrHash) ? await indexOfHash(org, nameOrHash) : null);
  return i === null ? null : generatedEvents(org, i, t, limit);
}

export function orgClusterJobs(org: Org, t: number, name: string) {
  const i = clusterIndex(org, name);
  return i === null ? null : generatedClusterJobs(org, i, t);
}

export function orgClusterJobLog(org: Org, t: number, name: string, jobId: number): string | null {
  const i = clusterIndex(org, name);
  return i === null ? null : generatedClusterJobLog(org, i, jobId, t);
}

export interface HistoryOptions {
  days?: number | null;
  clusterHashes?: readonly string[] | null;
  clusterNames?: readonly string[] | null;
}

/** The cost report's rows: the live generated clusters, then the torn-down ones newest first. */
export async function orgHistory(org: Org, t: number, options: HistoryOptions): Promise<ClusterHistoryRecord[]> {
  const cutoff = options.days == null ? null : t - options.days * 86400;
  const picked = options.clusterNames || options.clusterHashes;
  const live = (await orgClusters(org, t, { clusterNames: options.clusterNames ? [...options.clusterNames] : undefined }, 0))
    .filter((c) => !options.clusterHashes || options.clusterHashes.includes(c.clusterHash) || options.clusterNames?.includes(c.name))
    .map((c) => historyOf(c, t))
    .filter((h) => cutoff === null || h.usageIntervals.some(([, end]) => end === null || end >= cutoff));
  if (picked) {
    // By name only: a torn-down cluster's hash is not inverted (the live ones' are).
    const named = (options.clusterNames ?? []).map((n) => historyNumberOf(org, t, n)).filter((n): n is number => n !== null);
    return [...live, ...named.map((n) => generatedHistory(org, n, t)).filter((h) => cutoff === null || h.usageIntervals[0][1]! >= cutoff)];
  }
  const { from, to } = historyNumbers(org, t, cutoff);
  const resources = new Map();
  for (let n = to; n >= from; n--) {
    if ((to - n) % (SLICE * 5) === SLICE * 5 - 1) await yieldToLoop();
    live.push(generatedHistory(org, n, t, resources));
  }
  return live;
}

const headsCache = new WeakMap<Org, { t: number; heads: Promise<Head[]> }>();
function headsOf(org: Org, t: number): Promise<Head[]> {
  const hit = headsCache.get(org);
  if (hit?.t === t) return hit.heads;
  const heads = headsAt(org, t);
  headsCache.set(org, { t, heads });
  return heads;
}

/** `queryManagedJobs` over the fixture world's jobs and the org's, building only the page's records. */
export async function orgManagedJobs(org: Org, t: number, fixtureJobs: ManagedJob[], q: ManagedJobQuery): Promise<ManagedJobPage> {
  const own = queryManagedJobs(fixtureJobs, { ...q, page: null, limit: null });
  const byId = q.jobIds?.length && q.jobIds.length < 100;
  const heads = byId
    ? q
        .jobIds!.map((id) => planOfId(org, id, t))
        .filter((p) => p !== null)
        .map((p) => ({ ...headOf(managedJobRecord(org, p, t)), plan: p }))
    : await headsOf(org, t);
  const statusCounts = { ...own.statusCounts };
  let totalNoFilter = own.totalNoFilter;
  const kept: Head[] = [];
  for (let i = 0; i < heads.length; i++) {
    if (i % (SLICE * 8) === SLICE * 8 - 1) await yieldToLoop();
    const h = heads[i];
    if (!visible(h, q)) continue;
    totalNoFilter++;
    if (!matching(h, q)) continue;
    statusCounts[h.status] = (statusCounts[h.status] ?? 0) + 1;
    if (!q.statuses || q.statuses.includes(h.status)) kept.push(h);
  }
  // Generated ids (from 10^9) are above every fixture and living id: theirs come first.
  const ownIds = [...new Set(own.jobs.map((j) => j.jobId))];
  const total = kept.length + ownIds.length;
  let pageHeads = kept;
  let pageOwn = own.jobs;
  if (q.limit != null) {
    const start = (Math.max(1, q.page ?? 1) - 1) * q.limit;
    pageHeads = kept.slice(start, start + q.limit);
    const ownStart = Math.max(0, start - kept.length);
    const ownIdsOnPage = new Set(ownIds.slice(ownStart, ownStart + q.limit - pageHeads.length));
    pageOwn = own.jobs.filter((j) => ownIdsOnPage.has(j.jobId));
  }
  const jobs: ManagedJob[] = [];
  for (let i = 0; i < pageHeads.length; i++) {
    if (i % SLICE === SLICE - 1) await yieldToLoop();
    jobs.push(managedJobRecord(org, pageHeads[i].plan, t));
  }
  return { jobs: [...jobs, ...pageOwn], total, totalNoFilter, statusCounts };
}

function headOf(j: ManagedJob): Omit<Head, 'plan'> {
  return { status: j.status, name: j.name, userHash: j.userHash, userName: j.userName ?? '', workspace: j.workspace };
}

export function orgManagedJobLog(org: Org, t: number, id: number): string | null {
  return managedJobLog(org, id, t);
}
