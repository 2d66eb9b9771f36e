/**
 * patches/demo.patch: made by scripts/make-demo-patch.js, one import line in src/server.ts and nothing
 * else, applies to the current tree and to a server.ts whose unrelated lines changed, and turns a
 * built copy of the tree into the demo, while the same tree without it serves real state.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { builtTree } from '../helpers/builtTree';

const { makeDemoPatch } = require('../../scripts/make-demo-patch.js') as { makeDemoPatch: (source: string) => string };

const ROOT = path.resolve(__dirname, '..', '..');
const PATCH = path.join(ROOT, 'patches', 'demo.patch');
const serverSource = () => fs.readFileSync(path.join(ROOT, 'src', 'server.ts'), 'utf8');

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function gitApplyCheck(cwd: string): void {
  execFileSync('git', ['apply', '--check', PATCH], { cwd, stdio: 'pipe' });
}

describe('demo patch', () => {
  it('is what the script makes from the current src/server.ts', () => {
    expect(fs.readFileSync(PATCH, 'utf8')).toBe(makeDemoPatch(serverSource()));
  });

  it('adds exactly one import line to src/server.ts and nothing else', () => {
    const patch = fs.readFileSync(PATCH, 'utf8');
    expect(patch.match(/^diff --git /gm)).toEqual(['diff --git ']);
    expect(patch).toContain('diff --git a/src/server.ts b/src/server.ts');
    const added = patch.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
    const removed = patch.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'));
    expect(added).toEqual(["+import './demo/demo';"]);
    expect(removed).toEqual([]);
  });

  it('is accepted by git apply --check on the current tree', () => {
    expect(() => gitApplyCheck(ROOT)).not.toThrow();
  });

  const unrelatedChanges: [string, (s: string) => string][] = [
    [
      'a rewritten header comment',
      (s) => s.replace(/\/\*\*[\s\S]*?\*\//, '/**\n * The nightly entry point (reworded).\n * More words.\n */'),
    ],
    ['lines added at the top', (s) => `// SPDX-License-Identifier: Apache-2.0\n'use strict';\n${s}`],
    ['code added at the end', (s) => `${s}\nprocess.on('warning', (w) => console.warn(w.message));\nexport {};\n`],
    ['another import before the anchor', (s) => s.replace('import { runServer }', "import os from 'node:os';\nimport { runServer }")],
    [
      'a changed call below the imports',
      (s) => s.replace('void runServer(process.argv.slice(2));', 'void runServer(process.argv.slice(2)).then(() => undefined);'),
    ],
  ];

  it.each(unrelatedChanges)('still applies after %s', (_name, change) => {
    const dir = tmp('sky-patch-');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    fs.mkdirSync(path.join(dir, 'src'));
    const changed = change(serverSource());
    expect(changed).not.toBe(serverSource());
    fs.writeFileSync(path.join(dir, 'src', 'server.ts'), changed);
    expect(() => gitApplyCheck(dir)).not.toThrow();
    execFileSync('git', ['apply', PATCH], { cwd: dir });
    expect(fs.readFileSync(path.join(dir, 'src', 'server.ts'), 'utf8')).toContain("import './demo/demo';");
  });
});

describe('a copy of the tree, built with and without the patch', () => {
  // The copies are built once and shared with the production-install suite (tests/helpers/builtTree.ts).
  let copy: string;
  const children: ChildProcess[] = [];

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  async function serve(home: string): Promise<string> {
    // The default state under HOME: an inherited SKYPILOT_STATE_DB is removed (set empty, it is refused).
    const { SKYPILOT_STATE_DB: _inherited, ...inherited } = process.env;
    const child = spawn(process.execPath, ['dist/src/server.js', '--port', '0'], {
      cwd: copy,
      env: { ...inherited, HOME: home, SKYPILOT_NOW: '2026-11-22T12:00:00Z' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.stderr!.on('data', (chunk) => {
        out += chunk;
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}: ${out}`));
      });
    });
  }

  async function statusNames(url: string): Promise<string[]> {
    const res = await fetch(`${url}/status`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const id = res.headers.get('x-skypilot-request-id');
    const result = (await (await fetch(`${url}/api/get?request_id=${id}`)).json()) as { return_value: string };
    return (JSON.parse(result.return_value) as { name: string }[]).map((r) => r.name).sort();
  }

  it('without the patch serves real state', async () => {
    copy = builtTree('nightly');
    expect(fs.readFileSync(path.join(copy, 'src', 'server.ts'), 'utf8')).not.toContain("import './demo/demo';");
    const home = tmp('sky-home-');
    const url = await serve(home);
    expect(await statusNames(url)).toEqual([]);
    expect(fs.existsSync(path.join(home, '.sky', 'state.db'))).toBe(true);
    const down = await fetch(`${url}/down`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"cluster_name":"lambda-k8s"}',
    });
    expect(down.status).toBe(200); // scheduled, then fails because the cluster does not exist
  }, 400_000); // the shared build, when this suite is the first to need it

  it('with the patch serves the fake world, refuses writes and never creates state.db', async () => {
    copy = builtTree('demo');
    expect(fs.readFileSync(path.join(copy, 'src', 'server.ts'), 'utf8')).toContain("import './demo/demo';");
    const home = tmp('sky-home-');
    const url = await serve(home);
    // Launched clusters of activity.yaml (named <stream>-<run>) come and go with the clock.
    expect((await statusNames(url)).filter((n) => !/^(ci-gpu|sweep-box)-\d+$/.test(n))).toEqual([
      'dev-cluster-alice',
      'inference-cluster',
      'lambda-k8s',
      'nebius-k8s',
      'training-multinode-1',
    ]);
    for (const write of ['/users/delete']) {
      const res = await fetch(`${url}${write}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"cluster_name":"lambda-k8s"}',
      });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('DemoModeError');
    }
    // Scheduled writes (upstream's `/launch`, which this build lacks, too) are accepted as requests that
    // already failed, as SkyPilot's clients expect.
    for (const write of ['/down', '/stop', '/workspaces/create', '/launch']) {
      const res = await fetch(`${url}${write}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{"cluster_name":"lambda-k8s"}',
      });
      expect(res.status).toBe(200);
      const result = await fetch(`${url}/api/get?request_id=${res.headers.get('x-skypilot-request-id')}`);
      expect(result.status).toBe(500);
      const { detail } = (await result.json()) as { detail: { error: string } };
      expect(JSON.parse(detail.error).type).toBe('PermissionDeniedError');
    }
    expect(fs.existsSync(path.join(home, '.sky', 'state.db'))).toBe(false);
  }, 400_000);
});
