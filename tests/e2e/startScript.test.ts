/**
 * `npm start` rebuilds only when the build is stale: the staleness check on temp files, and the real
 * scripts/start.js in a throwaway project whose "build" only leaves a mark and whose "server" reports
 * its arguments — so the test shows when a build would have run tsc, and what reaches the server.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { staleReason } from '../../scripts/buildFreshness';

const REPO = path.resolve(__dirname, '..', '..');
const LONG_AGO = new Date('2026-01-01T00:00:00Z');
const LATER = new Date('2026-01-02T00:00:00Z');
const LATEST = new Date('2026-01-03T00:00:00Z');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function write(root: string, file: string, text: string, mtime: Date): void {
  const full = path.join(root, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
  fs.utimesSync(full, mtime, mtime);
}

/** A project whose sources date from LONG_AGO and whose build outputs from LATER: current. */
function project(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sky-start-'));
  dirs.push(root);
  for (const script of ['start.js', 'buildFreshness.js'])
    write(root, `scripts/${script}`, fs.readFileSync(path.join(REPO, 'scripts', script), 'utf8'), LONG_AGO);
  const build = `node -e "require('fs').writeFileSync('build-ran', '')"`;
  write(root, 'package.json', JSON.stringify({ name: 'start-fixture', private: true, scripts: { build } }), LONG_AGO);
  write(root, 'tsconfig.json', '{}', LONG_AGO);
  write(root, 'src/server.ts', '', LONG_AGO);
  write(root, 'src/deep/er/module.ts', '', LONG_AGO);
  write(root, 'src/demo/demo.ts', '', LONG_AGO);
  write(root, 'dist/src/demo/demo.js', 'globalThis.demoPreloaded = true;', LATER);
  write(root, 'dist/dashboard/index.html', '', LATER);
  write(
    root,
    'dist/src/server.js',
    [
      // Ready for signals before it says it started, as the real server: the test signals on the line.
      `const seen = {};`,
      `for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {`,
      `  seen[signal] = (seen[signal] || 0) + 1;`,
      `  console.log(signal + ' ' + seen[signal]);`,
      `  setTimeout(() => process.exit(0), 300);`,
      `});`,
      `console.log('server ' + JSON.stringify({ args: process.argv.slice(2), demo: Boolean(globalThis.demoPreloaded) }));`,
      `if (process.argv.includes('--exit')) process.exit(Number(process.argv[process.argv.indexOf('--exit') + 1]));`,
      `setTimeout(() => process.exit(3), 20000); // never outlive a failed test for long`,
    ].join('\n'),
    LATER,
  );
  return root;
}

describe('staleReason', () => {
  test('current when every output is newer than every source', () => {
    expect(staleReason(project())).toBeUndefined();
  });

  test.each([
    ['a source deep under src/', 'src/deep/er/module.ts'],
    ['tsconfig.json', 'tsconfig.json'],
    ['package.json', 'package.json'],
  ])('stale when %s is newer than the build', (_what, file) => {
    const root = project();
    fs.utimesSync(path.join(root, file), LATEST, LATEST);
    expect(staleReason(root)).toBe(`${file} changed since the last build`);
  });

  test('stale when the oldest output is older than a source (a tsc run that failed before the dashboard)', () => {
    const root = project();
    fs.utimesSync(path.join(root, 'src/server.ts'), LATEST, LATEST);
    for (const out of ['dist/src/server.js', 'dist/src/demo/demo.js']) fs.utimesSync(path.join(root, out), new Date(), new Date());
    expect(staleReason(root)).toBe('src/server.ts changed since the last build');
  });

  test.each(['dist/src/server.js', 'dist/src/demo/demo.js', 'dist/dashboard/index.html'])('stale when %s is missing', (output) => {
    const root = project();
    fs.rmSync(path.join(root, output));
    expect(staleReason(root)).toBe(`${output} is missing`);
  });

  test("a wing's outputs are not expected without the wing (the nightly without src/demo)", () => {
    const root = project();
    fs.rmSync(path.join(root, 'dist', 'src', 'demo'), { recursive: true });
    expect(staleReason(root)).toBe('dist/src/demo/demo.js is missing');
    fs.rmSync(path.join(root, 'src', 'demo'), { recursive: true });
    expect(staleReason(root)).toBeUndefined();
  });
});

function start(root: string, args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'scripts', 'start.js'), ...args], { cwd: root, timeout: 20_000 }, (error, stdout) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout }),
    );
  });
}

describe('scripts/start.js', () => {
  test('a current build starts without building, with the demo preload, args and exit code passed through', async () => {
    const root = project();
    const { code, stdout } = await start(root, ['--port', '8080', '--exit', '7']);
    expect(fs.existsSync(path.join(root, 'build-ran'))).toBe(false);
    expect(stdout).toContain(`server ${JSON.stringify({ args: ['--port', '8080', '--exit', '7'], demo: true })}`);
    expect(code).toBe(7);
  });

  test('--nightly: no demo preload', async () => {
    const { stdout } = await start(project(), ['--nightly', '--exit', '0']);
    expect(stdout).toContain(`server ${JSON.stringify({ args: ['--exit', '0'], demo: false })}`);
  });

  test('a stale build is rebuilt first', async () => {
    const root = project();
    fs.utimesSync(path.join(root, 'src/server.ts'), LATEST, LATEST);
    const { code, stdout } = await start(root, ['--exit', '0']);
    expect(stdout).toContain('[start] src/server.ts changed since the last build: running npm run build');
    expect(fs.existsSync(path.join(root, 'build-ran'))).toBe(true);
    expect(code).toBe(0);
  }, 30_000);

  test.each(['SIGTERM', 'SIGINT'] as const)('%s reaches the server once, and its exit status comes back', async (signal) => {
    const root = project();
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'start.js')], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    while (!stdout.includes('server ')) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill(signal);
    child.kill(signal); // a Ctrl-C arrives twice: from the terminal and from npm
    expect(await exited).toBe(0);
    expect(stdout).toContain(`${signal} 1`);
    expect(stdout).not.toContain(`${signal} 2`);
  });
});
