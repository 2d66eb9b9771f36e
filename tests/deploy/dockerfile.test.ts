/**
 * The Dockerfile's structure, checked without a Docker engine: it lints clean with dockerfile-utils
 * (VS Code's Dockerfile checks: flags, signals, ports, duplicate stages), and its stages say what the
 * README promises: nightly by default and a demo target that applies patches/demo.patch, a runtime
 * with production dependencies only and no compiler, a numeric non-root user, the probes, the port
 * and the stop signal. Whether the files it copies make a working server is productionInstall.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { validate } from 'dockerfile-utils';
import { contextHas, lineage, readDockerfile, ROOT, type Stage, stageNamed, type Step } from './dockerfile';

const text = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const stages = readDockerfile(text);
const IMAGES = ['nightly', 'demo'];

const stepsOf = (name: string): Step[] => lineage(stages, name).flatMap((s) => s.steps);
const last = (name: string, keyword: string): Step | undefined =>
  stepsOf(name)
    .filter((s) => s.keyword === keyword)
    .pop();
/** Every stage an image's files come from, through FROM and COPY --from, itself included. */
function sourcesOf(name: string, seen = new Set<string>()): Set<string> {
  for (const stage of lineage(stages, name)) {
    if (seen.has(stage.name)) continue;
    seen.add(stage.name);
    for (const step of stage.steps) if (step.flags.from) sourcesOf(step.flags.from, seen);
  }
  return seen;
}

describe('Dockerfile', () => {
  it('lints clean, and the linter does catch mistakes', () => {
    expect(validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    // The same checks on broken copies: a misspelt flag, a bad signal, a named port.
    expect(validate(text.replace('--interval=10s', '--intervall=10s')).map((d) => d.message)).toContain('Unknown flag: intervall');
    expect(validate(text.replace('STOPSIGNAL SIGTERM', 'STOPSIGNAL TERM!')).length).toBeGreaterThan(0);
    expect(validate(text.replace('EXPOSE 46580', 'EXPOSE http')).length).toBeGreaterThan(0);
  });

  it('builds the nightly by default and the demo as a target, both on the same base image as the build', () => {
    expect(stages[stages.length - 1].name).toBe('nightly');
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(IMAGES));
    // One base everywhere: the native module compiled in `deps` must match the runtime's Node and libc.
    const bases = new Set(stages.filter((s) => !stages.some((o) => o.name === s.from)).map((s) => s.from));
    expect([...bases]).toEqual([expect.stringMatching(/^node:20-bookworm-slim$/)]);
  });

  it('applies patches/demo.patch in the demo build only, before building', () => {
    const patchedIn = (name: string) => stepsOf(name).filter((s) => s.keyword === 'RUN' && s.text.includes('patches/demo.patch'));
    const [demoBuild] = [...sourcesOf('demo')].filter((s) => patchedIn(s).length);
    expect(demoBuild).toBe('build-demo');
    expect(patchedIn('build-demo')[0].text).toMatch(/^patch -p1 .*--fuzz=0 < patches\/demo\.patch && npm run build$/);
    expect([...sourcesOf('nightly')].filter((s) => patchedIn(s).length)).toEqual([]);
  });

  it.each(IMAGES)('runs the %s image as a numeric non-root user, with probes, port and stop signal', (name) => {
    const user = last(name, 'USER')?.args[0] ?? 'root';
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    const healthcheck = last(name, 'HEALTHCHECK')!;
    expect(healthcheck.text).toMatch(/^CMD \[.*"\/healthz"\]$/);
    // Longer than the script's own 2 s, so a hung server is reported by the script, with a reason.
    expect(healthcheck.flags.timeout).toBe('3s');
    expect(last(name, 'EXPOSE')?.args).toEqual(['46580']);
    expect(last(name, 'STOPSIGNAL')?.args).toEqual(['SIGTERM']);
    expect(last(name, 'CMD')?.json).toEqual(['node', 'dist/src/server.js']);
  });

  it.each(IMAGES)('gives the %s image production dependencies only, and nothing from the build but dist/', (name) => {
    const copies = stepsOf(name).filter((s) => s.keyword === 'COPY' && s.flags.from);
    for (const copy of copies) {
      const sources = copy.args.slice(0, -1);
      if (copy.flags.from === 'prod-deps') expect(sources).toEqual(['/app/node_modules']);
      else expect(sources.every((s) => /^\/app\/dist\/(src|dashboard)$/.test(s))).toBe(true);
    }
    expect(copies.map((c) => c.flags.from)).toContain('prod-deps');
    // prod-deps starts from the bare base (no dev dependencies, no compiler) and omits dev dependencies.
    const prodDeps: Stage = stageNamed(stages, 'prod-deps');
    expect(stages.some((s) => s.name === prodDeps.from)).toBe(false);
    expect(prodDeps.steps.filter((s) => s.keyword === 'RUN').map((s) => s.text)).toEqual([expect.stringMatching(/^npm ci --omit=dev\b/)]);
    const fromDeps = prodDeps.steps.filter((s) => s.flags.from).map((s) => s.args.slice(0, -1));
    expect(fromDeps).toEqual([['/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node']]);
  });

  it('copies only what the build context holds, and the context leaves out local files', () => {
    const fromContext = stages
      .flatMap((s) => s.steps)
      .filter((s) => s.keyword === 'COPY' && !s.flags.from)
      .flatMap((s) => s.args.slice(0, -1));
    expect(fromContext.filter((source) => !contextHas(source))).toEqual([]);
    for (const local of ['node_modules', 'dist', '.git', 'tests', 'docker-compose.yml']) expect(contextHas(local)).toBe(false);
  });
});
