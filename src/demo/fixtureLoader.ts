/**
 * Loads and validates the demo's data files, and reloads them when they change on disk (checked at
 * most once per `reloadMs`). A bad edit never replaces the world: the last good one keeps being served
 * and one line naming the file and the field is logged.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { cloudRegistry } from '../state/clouds';
import { type Activity, activityFile } from '../living/activitySchema';
import { ACTIVITY_FILE, FIXTURE_FILES, type Fixtures } from './fixtureSchema';
import { parseYamlText } from './yamlFiles';

export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

function parseYaml(dir: string, file: string): unknown {
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) throw new FixtureError(`${file}: file is missing`);
  try {
    return parseYamlText(fs.readFileSync(full, 'utf8'));
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new FixtureError(`${file}: not valid YAML: ${message}`);
  }
}

function fieldPath(segments: PropertyKey[]): string {
  return segments
    .map((s) => (typeof s === 'number' ? `[${s}]` : `.${String(s)}`))
    .join('')
    .replace(/^\./, '');
}

type Parsed = Omit<Fixtures, 'texts' | 'contentHash'>;

function parseWith<T>(schema: z.ZodType<T, unknown>, dir: string, file: string): T {
  const result = schema.safeParse(parseYaml(dir, file));
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? `${file}: ${fieldPath(issue.path)}` : file;
    throw new FixtureError(`${where}: ${issue.message}`);
  }
  return result.data;
}

/** Checks that cannot be expressed per file: references between files and instance types. */
function crossCheck(f: Parsed, dir: string): void {
  const users = new Set(f.users.users.map((u) => u.name));
  const fail = (where: string, message: string) => {
    throw new FixtureError(`${where}: ${message}`);
  };
  const needFile = (where: string, rel: string) => {
    if (!fs.existsSync(path.join(dir, rel))) fail(where, `file '${rel}' does not exist under src/demo/fixtures`);
  };
  const needUser = (where: string, user: string) => {
    if (!users.has(user)) fail(where, `unknown user '${user}' (not in users.yaml)`);
  };
  const needWorkspace = (where: string, ws: string) => {
    if (!(ws in f.workspaces)) fail(where, `unknown workspace '${ws}' (not in workspaces.yaml)`);
  };
  if (!users.has(f.users.current_user)) fail('users.yaml: current_user', `'${f.users.current_user}' is not in users`);
  f.clusters.forEach((c, i) => {
    const at = `clusters.yaml: [${i}]`;
    needUser(`${at}.user`, c.user);
    needWorkspace(`${at}.workspace`, c.workspace);
    needFile(`${at}.task`, c.task);
    if (c.provision_log) needFile(`${at}.provision_log`, c.provision_log);
    try {
      cloudRegistry.fromName(c.cloud).validateInstanceType(c.instance_type);
    } catch (error) {
      fail(`${at}.instance_type`, (error as Error).message);
    }
  });
  const clusterNames = new Set(f.clusters.map((c) => c.name));
  for (const [cluster, jobs] of Object.entries(f.clusterJobs)) {
    if (!clusterNames.has(cluster)) fail(`cluster_jobs.yaml: ${cluster}`, 'no such cluster in clusters.yaml');
    jobs.forEach((j, i) => {
      needUser(`cluster_jobs.yaml: ${cluster}[${i}].user`, j.user);
      needFile(`cluster_jobs.yaml: ${cluster}[${i}].log`, j.log);
    });
  }
  f.managedJobs.forEach((j, i) => {
    needUser(`managed_jobs.yaml: [${i}].user`, j.user);
    needWorkspace(`managed_jobs.yaml: [${i}].workspace`, j.workspace);
    needFile(`managed_jobs.yaml: [${i}].task`, j.task);
    needFile(`managed_jobs.yaml: [${i}].log`, j.log);
    if (j.cloud && j.instance_type) {
      try {
        cloudRegistry.fromName(j.cloud).validateInstanceType(j.instance_type);
      } catch (error) {
        fail(`managed_jobs.yaml: [${i}].instance_type`, (error as Error).message);
      }
    }
  });
  for (const [i, v] of f.volumes.entries()) needUser(`volumes.yaml: [${i}].user`, v.user);
  for (const [i, b] of f.storage.entries()) needUser(`storage.yaml: [${i}].user`, b.user);
  f.recipes.forEach((r, i) => {
    needUser(`recipes.yaml: [${i}].user`, r.user);
    needFile(`recipes.yaml: [${i}].file`, r.file);
  });
  f.history.forEach((h, i) => {
    needUser(`history.yaml: [${i}].user`, h.user);
    needFile(`history.yaml: [${i}].task`, h.task);
  });
  if (f.activity) checkActivity(f.activity, f, { fail, needFile, needUser, needWorkspace });
}

interface Checks {
  fail(where: string, message: string): void;
  needFile(where: string, rel: string): void;
  needUser(where: string, user: string): void;
  needWorkspace(where: string, ws: string): void;
}

/** The activity's references: users, workspaces, files, instance types, and clusters that are UP. */
function checkActivity(a: Activity, f: Parsed, c: Checks): void {
  const instanceType = (where: string, cloud: string, type: string) => {
    try {
      cloudRegistry.fromName(cloud).validateInstanceType(type);
    } catch (error) {
      c.fail(where, (error as Error).message);
    }
  };
  const names = new Set<string>();
  const common = (section: string, i: number, s: { name: string; users: string[]; log: string }) => {
    const at = `${ACTIVITY_FILE}: ${section}[${i}]`;
    if (names.has(`${section}/${s.name}`)) c.fail(`${at}.name`, `'${s.name}' is used by another stream of ${section}`);
    names.add(`${section}/${s.name}`);
    for (const [j, u] of s.users.entries()) c.needUser(`${at}.users[${j}]`, u);
    c.needFile(`${at}.log`, s.log);
    return at;
  };
  a.managed_jobs.forEach((s, i) => {
    const at = common('managed_jobs', i, s);
    c.needWorkspace(`${at}.workspace`, s.workspace);
    c.needFile(`${at}.task`, s.task);
    instanceType(`${at}.instance_type`, s.cloud, s.instance_type);
  });
  a.cluster_jobs.forEach((s, i) => {
    const at = common('cluster_jobs', i, s);
    const cluster = f.clusters.find((cl) => cl.name === s.cluster);
    if (!cluster) c.fail(`${at}.cluster`, `no cluster '${s.cluster}' in clusters.yaml`);
    else if (cluster.status !== 'UP') c.fail(`${at}.cluster`, `'${s.cluster}' is ${cluster.status}: jobs run only on a cluster that is UP`);
  });
  a.clusters.forEach((s, i) => {
    const at = common('clusters', i, s);
    c.needWorkspace(`${at}.workspace`, s.workspace);
    c.needFile(`${at}.task`, s.task);
    instanceType(`${at}.instance_type`, s.cloud, s.instance_type);
    if (f.clusters.some((cl) => cl.name.startsWith(`${s.name}-`)))
      c.fail(`${at}.name`, `clusters.yaml has a cluster named like '${s.name}-N'`);
  });
}

export function loadFixtures(dir: string): Fixtures {
  const parsed: Record<string, unknown> = {};
  for (const [key, { file, schema }] of Object.entries(FIXTURE_FILES))
    parsed[key] = parseWith(schema as z.ZodType<unknown, unknown>, dir, file);
  parsed.activity = fs.existsSync(path.join(dir, ACTIVITY_FILE)) ? parseWith(activityFile, dir, ACTIVITY_FILE) : null;
  const fixtures = parsed as Parsed;
  crossCheck(fixtures, dir);
  const texts: Record<string, string> = {};
  for (const full of listFiles(dir)) {
    const rel = path.relative(dir, full).split(path.sep).join('/');
    if (rel.startsWith('tasks/') || rel.startsWith('logs/')) texts[rel] = fs.readFileSync(full, 'utf8');
  }
  // Over the parsed content, not the files' bytes: a comment or a reformat does not change the world.
  const contentHash = createHash('sha256')
    .update(JSON.stringify({ ...fixtures, texts: Object.entries(texts).sort(([a], [b]) => (a < b ? -1 : 1)) }))
    .digest('hex')
    .slice(0, 16);
  return { ...fixtures, texts, contentHash };
}

/** The fixtures as last loaded successfully, reloaded when a file's size or mtime changes. */
export class FixtureSource {
  private fixtures: Fixtures;
  private signature: string;
  private checkedAt = 0;
  /** Grows on every successful reload: the fake world is rebuilt only when it moves. */
  version = 1;

  constructor(
    readonly dir: string,
    private readonly options: { reloadMs: number; log: (line: string) => void },
  ) {
    this.fixtures = loadFixtures(dir);
    this.signature = this.currentSignature();
  }

  private currentSignature(): string {
    return listFiles(this.dir)
      .sort()
      .map((f) => {
        const stat = fs.statSync(f);
        return `${f}:${stat.size}:${stat.mtimeMs}`;
      })
      .join('|');
  }

  current(): Fixtures {
    const now = Date.now();
    if (now - this.checkedAt < this.options.reloadMs) return this.fixtures;
    this.checkedAt = now;
    let signature: string;
    try {
      signature = this.currentSignature();
    } catch {
      return this.fixtures; // a file is being replaced right now: try again on the next call
    }
    if (signature === this.signature) return this.fixtures;
    this.signature = signature;
    try {
      this.fixtures = loadFixtures(this.dir);
      this.version++;
      this.options.log(`[demo] reloaded fixtures from ${this.dir}`);
    } catch (error) {
      this.options.log(`[demo] fixture error, still serving the last good world: ${(error as Error).message}`);
    }
    return this.fixtures;
  }
}
