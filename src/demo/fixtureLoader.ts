/**
 * Loads and validates the demo's data files, and reloads them when they change on disk (checked at
 * most once per `reloadMs`). A bad edit never replaces the world: the last good one keeps being served
 * and one line naming the file and the field is logged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cloudRegistry } from '../state/clouds';
import { FIXTURE_FILES, type Fixtures } from './fixtureSchema';
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

/** Checks that cannot be expressed per file: references between files and instance types. */
function crossCheck(f: Omit<Fixtures, 'texts'>, dir: string): void {
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
}

export function loadFixtures(dir: string): Fixtures {
  const parsed: Record<string, unknown> = {};
  for (const [key, { file, schema }] of Object.entries(FIXTURE_FILES)) {
    const result = schema.safeParse(parseYaml(dir, file));
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue.path.length ? `${file}: ${fieldPath(issue.path)}` : file;
      throw new FixtureError(`${where}: ${issue.message}`);
    }
    parsed[key] = result.data;
  }
  const fixtures = parsed as Omit<Fixtures, 'texts'>;
  crossCheck(fixtures, dir);
  const texts: Record<string, string> = {};
  for (const full of listFiles(dir)) {
    const rel = path.relative(dir, full).split(path.sep).join('/');
    if (rel.startsWith('tasks/') || rel.startsWith('logs/')) texts[rel] = fs.readFileSync(full, 'utf8');
  }
  return { ...fixtures, texts };
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
