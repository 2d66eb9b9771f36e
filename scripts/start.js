#!/usr/bin/env node
/**
 * `npm start` (the demo) and `npm run start:nightly`: run the server from the existing build, and
 * rebuild first only when the build is missing or older than its sources (buildFreshness.js).
 *
 * Usage: node scripts/start.js [--nightly] [server options...]
 *   --nightly   the real state, without the demo preload
 * Server options, signals and the exit status pass through.
 */

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { staleReason } = require('./buildFreshness');

const root = path.resolve(__dirname, '..');

function buildOrExit(reason) {
  console.log(`[start] ${reason}: running npm run build`);
  const result = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.error) {
    console.error(`[start] could not run npm run build: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) process.exit(result.status === null ? 1 : result.status);
}

/**
 * The server runs in its own process group, so a Ctrl-C reaches it only through us: one SIGINT,
 * which it answers by closing gracefully. We get that Ctrl-C twice (from the terminal and from npm,
 * which forwards it) and pass it on once; a repeat later on is passed on, to force a stop.
 */
function forwardSignals(child) {
  const DUPLICATE_MS = 500;
  let last = { signal: '', at: 0 };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      const now = Date.now();
      if (signal === last.signal && now - last.at < DUPLICATE_MS) return;
      last = { signal, at: now };
      child.kill(signal);
    });
  }
}

/**
 * The demo's entry: with the visitor sessions' wing when it is built (it installs the demo itself),
 * else the read-only demo; null in a tree without the demo, which serves the nightly.
 */
function demoEntry() {
  const entries = ['./dist/src/sessions/sessions.js', './dist/src/demo/demo.js'];
  return entries.find((entry) => fs.existsSync(path.join(root, entry))) ?? null;
}

function main(argv) {
  const nightly = argv[0] === '--nightly';
  const serverArgs = nightly ? argv.slice(1) : argv;
  const reason = staleReason(root);
  if (reason) buildOrExit(reason);

  const entry = nightly ? null : demoEntry();
  if (!nightly && !entry) console.log('[start] this tree has no demo (src/demo): serving the nightly');
  const preload = entry ? ['-r', entry] : [];
  const child = spawn(process.execPath, [...preload, 'dist/src/server.js', ...serverArgs], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  forwardSignals(child);
  child.on('error', (err) => {
    console.error(`[start] could not start the server: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      // Die the same way, so whoever started us (npm, a shell) sees what happened to the server.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code === null ? 1 : code);
    }
  });
}

main(process.argv.slice(2));
