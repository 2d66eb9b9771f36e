#!/usr/bin/env node
/**
 * Runs each wing's own build step, after tsc and the dashboard bundle: every `src/<folder>/build.js`
 * there is (the demo's parses its fixtures), in name order. A wing deleted takes its step with it, so
 * the nightly alone builds (tests/structure/nightlyWithoutDemo.test.ts).
 */

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const src = path.resolve(__dirname, '..', 'src');
const steps = fs
  .readdirSync(src, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(src, entry.name, 'build.js')))
  .map((entry) => path.join(src, entry.name, 'build.js'))
  .sort();
for (const step of steps) {
  const run = spawnSync(process.execPath, [step], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error(`build step ${path.relative(path.dirname(src), step)} failed`);
    process.exit(run.status ?? 1);
  }
}
