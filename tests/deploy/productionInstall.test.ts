/**
 * The two images' files, laid out by following the Dockerfile's own stages (stageLayout.ts), then
 * started with the Dockerfile's CMD and ENV:
 * - production dependencies come from `npm ci --omit=dev --ignore-scripts` on package-lock.json (the
 *   prod-deps stage's own command: the npm registry, or npm's cache; run again only when its inputs
 *   change, as Docker's build cache would, see `runCache`), plus the better-sqlite3 binary
 *   that this repository's install compiled (the one step taken from outside the Dockerfile: its
 *   `deps` stage compiles for minutes and needs apt-get);
 * - dist/ comes from the build stages' own commands, `npm run build`, and for the demo `patch`
 *   applying patches/demo.patch first.
 * Both images must then serve the probes, the HEALTHCHECK command, the protocol's round trip and the
 * dashboard, and stop cleanly on SIGTERM. So no runtime import needs a devDependency, and what the
 * runtime stage copies is all the server needs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { builtTree, type TreeVariant } from '../helpers/builtTree';
import { readDockerfile, ROOT, stageNamed } from './dockerfile';
import { request, startServer, statusRoundTrip } from './processes';
import { type LaidOut, StageLayout } from './stageLayout';

const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean }>;
};
const stages = readDockerfile();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'skyts-image-'));
const images: Record<'nightly' | 'demo', LaidOut> = {} as never;

/** The `deps` stage's RUN steps, done by this repository's `npm ci`: its node_modules, linked. */
function repositoryDeps(workdir: string): void {
  const installed = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')) as {
    version: string;
  };
  const locked = lock.packages['node_modules/better-sqlite3']?.version;
  // The binary belongs to the JavaScript of the version it was built with.
  if (installed.version !== locked) {
    throw new Error(`node_modules has better-sqlite3 ${installed.version}, package-lock.json ${locked}: run npm ci first`);
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(workdir, 'node_modules'));
}

/**
 * The build stages' `npm run build` (after `patch` for the demo) on the same context files, done once
 * for this suite and the demo patch's (tests/helpers/builtTree.ts): its dist/, copied in. The demo's
 * patch is still applied here, with the stage's own command, to the stage's own sources.
 */
function sharedBuild(variant: TreeVariant): (workdir: string) => void {
  return (workdir) => {
    const stage = stages.find((s) => s.name === (variant === 'demo' ? 'build-demo' : 'build'))!;
    // What is shared must be what the stage runs: exactly these commands, nothing more.
    const runs = stage.steps.filter((s) => s.keyword === 'RUN').map((s) => s.text.replace(/\s+/g, ' ').trim());
    const expected = variant === 'demo' ? ['patch -p1 --forward --fuzz=0 < patches/demo.patch && npm run build'] : ['npm run build'];
    if (JSON.stringify(runs) !== JSON.stringify(expected))
      throw new Error(`the ${stage.name} stage runs ${JSON.stringify(runs)}: update sharedBuild`);
    if (variant === 'demo')
      execFileSync('sh', ['-c', 'patch -p1 --forward --fuzz=0 < patches/demo.patch'], { cwd: workdir, stdio: 'pipe' });
    fs.cpSync(path.join(builtTree(variant), 'dist'), path.join(workdir, 'dist'), { recursive: true });
  };
}

beforeAll(async () => {
  // Nothing above the layout may hold a node_modules that Node's resolution would fall back on.
  for (let dir = path.dirname(work); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false);
  }
  const layout = new StageLayout(stages, work, {
    substitutes: { deps: repositoryDeps, build: sharedBuild('nightly'), 'build-demo': sharedBuild('demo') },
    // Taken from npm's cache when it has them; the packages are the lockfile's either way.
    runEnv: { npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false' },
    runCache: path.join(os.tmpdir(), `skyts-layer-${createHash('sha256').update(ROOT).digest('hex').slice(0, 8)}-`),
  });
  [images.nightly, images.demo] = await Promise.all([layout.build('nightly'), layout.build('demo')]);
}, 600_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('the runtime image', () => {
  it('holds no package that only devDependencies need', () => {
    const devOnly = Object.keys(packageJson.devDependencies).filter((name) => lock.packages[`node_modules/${name}`]?.dev);
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'jest', 'esbuild']));
    const present = devOnly.filter((name) => fs.existsSync(images.nightly.hostPath(`node_modules/${name}`)));
    expect(present).toEqual([]);
  });

  it('resolves every package the compiled code requires, from the image alone', () => {
    const dist = images.nightly.hostPath('dist/src');
    const files = (fs.readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
    const requires = new Map<string, string>();
    for (const file of files) {
      for (const [, spec] of fs.readFileSync(path.join(dist, file), 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) {
        requires.set(spec, path.join(dist, file));
      }
    }
    expect(requires.has('better-sqlite3')).toBe(true);
    // Node's own resolution, in a process of its own with no NODE_PATH.
    const script = `const out = {}; for (const [spec, from] of JSON.parse(process.argv[1])) {
      try { out[spec] = require('node:module').isBuiltin(spec) ? 'builtin' : require.resolve(spec, { paths: [require('node:path').dirname(from)] }); }
      catch (e) { out[spec] = 'MISSING: ' + e.code; } } console.log(JSON.stringify(out));`;
    const resolved = JSON.parse(
      execFileSync(process.execPath, ['-e', script, JSON.stringify([...requires])], {
        env: { PATH: process.env.PATH ?? '' },
        encoding: 'utf8',
      }),
    ) as Record<string, string>;
    const outside = Object.entries(resolved).filter(([, where]) => where !== 'builtin' && !where.startsWith(images.nightly.root));
    expect(outside).toEqual([]);
  });

  it('has the native module that production dependencies alone would lack', () => {
    expect(fs.existsSync(images.nightly.hostPath('node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);
  });
});

const healthcheck = stageNamed(stages, 'runtime').steps.find((s) => s.keyword === 'HEALTHCHECK')!;
const healthcheckCommand = JSON.parse(healthcheck.text.replace(/^CMD\s+/, '')) as string[];
const demoClusters = (YAML.parse(fs.readFileSync(path.join(ROOT, 'src/demo/fixtures/clusters.yaml'), 'utf8')) as { name: string }[])
  .map((c) => c.name)
  .sort();

describe.each(['nightly', 'demo'] as const)('the %s image', (name) => {
  it('starts with its CMD and ENV, serves the probes, the protocol and the dashboard, and stops on SIGTERM', async () => {
    const image = images[name];
    // Inside the layout's directory, so afterAll removes it even when the server never started.
    const home = fs.mkdtempSync(path.join(work, `home-${name}-`));
    // The image's environment, and only that (no NODE_PATH or NODE_OPTIONS from this test run), on
    // loopback and an ephemeral port instead of 0.0.0.0:46580.
    const env = { PATH: process.env.PATH ?? '', ...image.env, HOME: home, SKYPILOT_HOST: '127.0.0.1', SKYPILOT_PORT: '0' };
    const server = await startServer(image.cmd!, { cwd: image.hostPath('.'), env });
    const probe = (port: number) => {
      try {
        execFileSync(healthcheckCommand[0], healthcheckCommand.slice(1), {
          cwd: image.hostPath('.'),
          env: { ...env, SKYPILOT_PORT: String(port) },
          stdio: 'pipe',
        });
        return 0;
      } catch (error) {
        return (error as { status: number }).status;
      }
    };
    try {
      expect(await request(`${server.url}/healthz`)).toMatchObject({ status: 200 });
      expect(await request(`${server.url}/readyz`)).toMatchObject({ status: 200, body: '{"status":"ready"}' });
      expect(probe(server.port)).toBe(0);

      const { record } = await statusRoundTrip(server.url);
      expect(record.status).toBe('SUCCEEDED');
      const clusters = (JSON.parse(record.return_value!) as { name: string }[]).map((c) => c.name).sort();
      // The demo's world lives: clusters its activity launches stand beside the fixtures' own.
      if (name === 'demo') expect(clusters).toEqual(expect.arrayContaining(demoClusters));
      else expect(clusters).toEqual([]);

      const dashboard = await request(`${server.url}/dashboard/`);
      expect(dashboard.status).toBe(200);
      expect(dashboard.headers['content-type']).toMatch(/text\/html/);

      if (name === 'demo') {
        expect(server.output()).toContain('[demo] read-only demo installed');
        // A refused write is a failed request (how the official CLI prints a refusal as one line).
        const refused = await request(`${server.url}/down`, { method: 'POST', body: { cluster_name: clusters[0] } });
        expect(refused.status).toBe(200);
        const outcome = await request(`${server.url}/api/get?request_id=${String(refused.headers['x-skypilot-request-id'])}`);
        expect(outcome.status).toBe(500);
        expect(JSON.parse(JSON.parse(outcome.body).detail.error).type).toBe('PermissionDeniedError');
        // The demo never opens the state database; the nightly keeps it under HOME.
        expect(fs.existsSync(path.join(home, '.sky', 'state.db'))).toBe(false);
      } else {
        expect(server.output()).not.toContain('[demo]');
        expect(fs.existsSync(path.join(home, '.sky', 'state.db'))).toBe(true);
      }
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
      fs.rmSync(home, { recursive: true, force: true });
    }
    expect(probe(server.port)).toBe(1);
  });
});
