/**
 * One built copy of the tree per variant, shared by every suite that needs one (the demo patch's
 * suite, the production-install suite's two build stages, the nightly-without-the-demo suite),
 * instead of each copying and building on its own. A copy holds what the Docker build context lets
 * through (package.json, package-lock.json, tsconfig.json, scripts/, patches/, src/), patched with
 * patches/demo.patch for `demo`; for `nightly-only`, also bench/, tests/ and the jest and test
 * configs, with the wings and their tests removed. Each is built with the real `npm run build`, as
 * the Dockerfile's build stages do.
 *
 * Keyed by a hash of those files' contents, so an edit builds anew and an unchanged tree is built
 * once; other keys of this checkout are deleted (bounded: one copy per variant). Jest workers share
 * it through a lock directory; a lock older than the longest build is taken over. Synchronous, so a
 * `beforeAll` or a Dockerfile stage substitute can call it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeWings } from './withoutWings';

const ROOT = path.resolve(__dirname, '..', '..');
const CONTEXT = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts', 'patches', 'src'];
/** The nightly alone also builds bench/ and runs its own tests in the copy. */
const NIGHTLY_ONLY_CONTEXT = [...CONTEXT, 'bench', 'tests', 'docs', 'tsconfig.test.json', 'jest.config.js'];
const STALE_LOCK_MS = 10 * 60_000;
const WAIT_MS = 10 * 60_000;

/** `nightly` and `demo`: the Docker build context, as is or patched; `nightly-only`: without the wings (withoutWings.ts). */
export type TreeVariant = 'nightly' | 'demo' | 'nightly-only';

const contextOf = (variant: TreeVariant) => (variant === 'nightly-only' ? NIGHTLY_ONLY_CONTEXT : CONTEXT);

function filesUnder(entry: string): string[] {
  const full = path.join(ROOT, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [entry];
  return (fs.readdirSync(full, { recursive: true }) as string[])
    .map((f) => path.join(entry, f))
    .filter((f) => fs.statSync(path.join(ROOT, f)).isFile())
    .sort();
}

function contentKey(variant: TreeVariant): string {
  const hash = createHash('sha256').update(variant);
  for (const file of contextOf(variant).flatMap(filesUnder))
    hash
      .update(file)
      .update('\0')
      .update(fs.readFileSync(path.join(ROOT, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The environment of a fresh build: without what npm and jest add to this process. */
function buildEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|NODE_(ENV|PATH|OPTIONS)$)/i.test(k)));
}

function build(dir: string, variant: TreeVariant): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of contextOf(variant)) {
    if (fs.existsSync(path.join(ROOT, entry))) fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const options = { cwd: dir, stdio: 'pipe' as const, env: buildEnvironment() };
  if (variant === 'demo') execFileSync('sh', ['-c', 'patch -p1 --forward --fuzz=0 < patches/demo.patch'], options);
  if (variant === 'nightly-only') removeWings(dir);
  try {
    execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], options);
  } catch (error) {
    // tsc writes its diagnostics to stdout: the error's message alone would not say what failed.
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run build failed in the ${variant} copy:\n${`${stdout ?? ''}${stderr ?? ''}`.slice(-3000)}`);
  }
}

/** The directory of the built copy (`dist/` inside); built now unless a current one exists. */
export function builtTree(variant: TreeVariant): string {
  const prefix = `skyts-built-${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}-${variant}-`;
  const dir = path.join(os.tmpdir(), prefix + contentKey(variant));
  const done = path.join(dir, '.built');
  const lock = `${dir}.lock`;
  for (const deadline = Date.now() + WAIT_MS; !fs.existsSync(done); ) {
    try {
      fs.mkdirSync(lock);
    } catch {
      const held = fs.statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS / 1000}s for ${dir} to be built`);
      sleep(250);
      continue;
    }
    try {
      if (fs.existsSync(done)) break;
      // The key exactly: `nightly-` is also how `nightly-only-` begins.
      const ours = new RegExp(`^${prefix}[0-9a-f]{16}$`);
      for (const old of fs.readdirSync(os.tmpdir()).filter((f) => ours.test(f))) {
        fs.rmSync(path.join(os.tmpdir(), old), { recursive: true, force: true });
      }
      build(dir, variant);
      fs.writeFileSync(done, new Date().toISOString());
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
  return dir;
}
