/**
 * Lays out the files of Dockerfile stages in directories, following the Dockerfile's own steps, for
 * want of a Docker engine. Each stage gets a directory that stands for its `/`:
 * - FROM an earlier stage copies that stage's directory; FROM an image starts empty (the base
 *   image's own files, Node itself, are this machine's);
 * - WORKDIR, ENV and ARG defaults are followed; COPY copies from the build context, as .dockerignore
 *   lets it through, or from an earlier stage, with Docker's rules for directories and trailing
 *   slashes;
 * - RUN runs its command line with `sh -c` in the working directory.
 * A stage named in `substitutes` runs none of its RUN steps: the function given stands in for them.
 * That is for `deps`, whose apt-get and from-source compile of better-sqlite3 the repository's own
 * `npm ci` on this machine has already done (its node_modules is linked in instead).
 * Anything this does not understand throws, rather than laying out something the image would not be.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { contextFiles, contextHas, lineage, ROOT, type Stage, type Step } from './dockerfile';

export interface LaidOut {
  name: string;
  /** The directory standing for the stage's `/`. */
  root: string;
  /** The working directory inside the image (`/app`). */
  workdir: string;
  env: Record<string, string>;
  /** The last CMD in the stage's lineage, exec form. */
  cmd: string[] | null;
  /** Where a path inside the image is on this machine. */
  hostPath(imagePath: string): string;
}

export interface LayoutOptions {
  /** Stages whose RUN steps are replaced by a function of the stage's laid-out `workdir`. */
  substitutes?: Record<string, (workdirOnHost: string) => void>;
  /** Extra environment for RUN steps (npm settings that do not change what is installed). */
  runEnv?: Record<string, string>;
  /**
   * Where a RUN step's result is kept (one per stage, under this path prefix), keyed as Docker's
   * build cache keys a layer: by the stage's files before the step, its command, its environment,
   * and this machine's Node and npm. A later layout with the same key takes the kept files instead
   * of running the step again (the prod-deps `npm ci` took six seconds of every run).
   */
  runCache?: string;
}

/** Every file under `root` (path, then content or link target), in a stable order. */
function hashTree(hash: ReturnType<typeof createHash>, root: string, rel = ''): void {
  const full = path.join(root, rel);
  const stat = fs.lstatSync(full);
  hash.update(`${rel}\0`);
  if (stat.isSymbolicLink()) hash.update(`-> ${fs.readlinkSync(full)}\0`);
  else if (stat.isDirectory()) for (const entry of fs.readdirSync(full).sort()) hashTree(hash, root, path.join(rel, entry));
  else hash.update(fs.readFileSync(full)).update('\0');
}

let npmVersion: string | undefined;

/**
 * This machine's environment without what the test run adds: npm's own variables when run by
 * `npm test`, jest's NODE_ENV, NODE_PATH. A RUN step sees only the user's npm configuration files,
 * as a build in a fresh image would.
 */
function baseEnvironment(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(npm_|NODE_(ENV|PATH|OPTIONS)$)/i.test(e[0])),
  );
}

function runShell(command: string, cwd: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env: { ...baseEnvironment(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`RUN ${command} exited ${code} in ${cwd}:\n${output.slice(-3000)}`)),
    );
  });
}

/**
 * `from` laid out again at `to` with hard links instead of copies of its files (directories and
 * symbolic links are made anew): the 50 MB of production node_modules that the runtime stage
 * copies and the two images start FROM took seconds of disk writes per copy. Only for a stage that
 * runs nothing, so no file is changed in place, and whose COPY steps replace a file rather than
 * write into it (see `place`): what one stage sees is still never another's doing.
 */
function linkTree(from: string, to: string): void {
  const stat = fs.lstatSync(from);
  if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
  else if (stat.isDirectory()) {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from)) linkTree(path.join(from, entry), path.join(to, entry));
  } else fs.linkSync(from, to);
}

/** Puts `from` at `target` as a new file (or tree): an existing file there is replaced, not written into. */
function place(from: string, target: string, link: boolean): void {
  const existing = fs.lstatSync(target, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) fs.rmSync(target);
  if (existing?.isDirectory() && fs.lstatSync(from).isDirectory()) {
    for (const entry of fs.readdirSync(from)) place(path.join(from, entry), path.join(target, entry), link);
  } else if (link) linkTree(from, target);
  else fs.cpSync(from, target, { recursive: true, verbatimSymlinks: true });
}

export class StageLayout {
  private readonly built = new Map<string, Promise<LaidOut>>();

  constructor(
    private readonly stages: Stage[],
    private readonly dir: string,
    private readonly options: LayoutOptions = {},
  ) {}

  /** Lays out `name` (and what it needs, each once; independent stages at the same time). */
  build(name: string): Promise<LaidOut> {
    let pending = this.built.get(name);
    if (!pending) {
      pending = this.layOut(name);
      this.built.set(name, pending);
    }
    return pending;
  }

  private async layOut(name: string): Promise<LaidOut> {
    const chain = lineage(this.stages, name);
    const stage = chain[chain.length - 1];
    const parent = chain.length > 1 ? await this.build(chain[chain.length - 2].name) : null;
    const root = path.join(this.dir, name);
    const substitute = this.options.substitutes?.[name];
    // A stage that runs nothing only adds files: it may share its parent's, and those it copies.
    const links = !substitute && !stage.steps.some((step) => step.keyword === 'RUN');
    if (parent && links) linkTree(parent.root, root);
    else if (parent) fs.cpSync(parent.root, root, { recursive: true, verbatimSymlinks: true });
    else fs.mkdirSync(root, { recursive: true });
    const out: LaidOut = {
      name,
      root,
      workdir: parent?.workdir ?? '/',
      env: { ...parent?.env },
      cmd: parent?.cmd ?? null,
      hostPath: (imagePath) => path.join(root, path.posix.resolve(out.workdir, imagePath)),
    };
    const args: Record<string, string> = {};
    const expand = (value: string) =>
      value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string, b: string) => args[a ?? b] ?? out.env[a ?? b] ?? '');
    for (const step of stage.steps) {
      switch (step.keyword) {
        case 'WORKDIR':
          out.workdir = path.posix.resolve(out.workdir, expand(step.args[0]));
          fs.mkdirSync(out.hostPath('.'), { recursive: true });
          break;
        case 'ARG':
          for (const arg of step.args) {
            const [key, ...value] = arg.split('=');
            args[key] = expand(value.join('='));
          }
          break;
        case 'ENV':
          for (const pair of step.args) {
            if (!pair.includes('=')) throw new Error(`ENV ${step.text}: only the KEY=value form is understood here`);
            const [key, ...value] = pair.split('=');
            out.env[key] = expand(value.join('='));
          }
          break;
        case 'COPY':
          await this.copy(step, out, links);
          break;
        case 'RUN':
          if (!substitute) await this.run(stage, step, out);
          break;
        case 'CMD':
          if (!step.json) throw new Error(`CMD ${step.text}: use the exec form (JSON), so the server gets signals itself`);
          out.cmd = step.json;
          break;
        case 'USER':
        case 'EXPOSE':
        case 'STOPSIGNAL':
        case 'HEALTHCHECK':
        case 'LABEL':
          break; // metadata: no files
        default:
          throw new Error(`${step.keyword} ${step.text}: not understood by this layout`);
      }
    }
    substitute?.(out.hostPath('.'));
    return out;
  }

  /** A RUN step, or its kept result (`runCache`). */
  private async run(stage: Stage, step: Step, out: LaidOut): Promise<void> {
    const env = { ...out.env, ...this.options.runEnv };
    const prefix = this.options.runCache;
    if (!prefix) return runShell(step.text, out.hostPath('.'), env);
    npmVersion ??= execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['--version'], { encoding: 'utf8' }).trim();
    const hash = createHash('sha256').update(
      JSON.stringify([step.text, out.workdir, Object.entries(env).sort(), process.version, npmVersion]),
    );
    hashTree(hash, out.root);
    const kept = `${prefix}${stage.name}-${hash.digest('hex').slice(0, 16)}`;
    // A later RUN of the same stage would change files in place: it gets copies, not links.
    const last = stage.steps.filter((s) => s.keyword === 'RUN').pop() === step;
    if (fs.existsSync(`${kept}/.done`)) {
      fs.rmSync(out.root, { recursive: true });
      if (last) linkTree(path.join(kept, 'root'), out.root);
      else fs.cpSync(path.join(kept, 'root'), out.root, { recursive: true, verbatimSymlinks: true });
      return;
    }
    await runShell(step.text, out.hostPath('.'), env);
    // Kept as a copy, renamed into place whole; older results of this stage go (bounded: one each).
    for (const old of fs.readdirSync(path.dirname(prefix)).filter((f) => f.startsWith(`${path.basename(prefix)}${stage.name}-`)))
      fs.rmSync(path.join(path.dirname(prefix), old), { recursive: true, force: true });
    const partial = `${kept}.partial-${process.pid}`;
    fs.cpSync(out.root, path.join(partial, 'root'), { recursive: true, verbatimSymlinks: true });
    fs.writeFileSync(path.join(partial, '.done'), step.text);
    try {
      fs.renameSync(partial, kept);
    } catch {
      fs.rmSync(partial, { recursive: true, force: true }); // another layout kept the same result first
    }
  }

  /** With `links`, files from an earlier stage are linked, not copied (see `linkTree`). */
  private async copy(step: Step, into: LaidOut, links: boolean): Promise<void> {
    const unknownFlags = Object.keys(step.flags).filter((f) => f !== 'from' && f !== 'chown' && f !== 'chmod');
    if (unknownFlags.length) throw new Error(`COPY ${step.text}: flags ${unknownFlags.join(', ')} not understood here`);
    const sources = step.args.slice(0, -1);
    const dest = step.args[step.args.length - 1];
    if (!sources.length) throw new Error(`COPY ${step.text}: no source`);
    if (sources.some((s) => /[*?[]/.test(s))) throw new Error(`COPY ${step.text}: wildcards not understood here`);
    const destIsDir = dest.endsWith('/') || sources.length > 1;
    const destOnHost = into.hostPath(dest);
    const from = step.flags.from ? await this.build(step.flags.from) : null;
    for (const source of sources) {
      let files: { from: string; rel: string }[];
      let isDir: boolean;
      if (from) {
        const full = from.hostPath(source);
        if (!fs.existsSync(full)) throw new Error(`COPY ${step.text}: ${source} does not exist in stage ${from.name}`);
        isDir = fs.statSync(full).isDirectory();
        files = [{ from: full, rel: '' }];
      } else {
        if (!contextHas(source)) throw new Error(`COPY ${step.text}: ${source} is not in the build context (.dockerignore)`);
        isDir = fs.statSync(path.join(ROOT, source)).isDirectory();
        const prefix = path.posix.normalize(source).replace(/^\.\/|\/$/g, '');
        files = contextFiles(source).map((rel) => ({ from: path.join(ROOT, rel), rel: isDir ? path.posix.relative(prefix, rel) : '' }));
      }
      for (const file of files) {
        // A directory's contents go into dest; a file goes into dest/ or becomes dest.
        const target = isDir ? path.join(destOnHost, file.rel) : destIsDir ? path.join(destOnHost, path.basename(source)) : destOnHost;
        fs.mkdirSync(path.dirname(target), { recursive: true });
        place(file.from, target, links && from !== null);
      }
    }
  }
}
