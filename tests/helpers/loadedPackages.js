/**
 * Test only, never part of the server: preloaded with `node -r`, it writes, as the process exits,
 * the npm packages and the files of dist/src the process loaded, as JSON to the file named by
 * `SKYPILOT_TEST_LOADED_FILE`: what a start that fails on a bad setting paid for before it said so.
 * A file, not stdout or stderr, so what the server prints stays exactly what it prints.
 */
const fs = require('node:fs');
const path = require('node:path');

const out = process.env.SKYPILOT_TEST_LOADED_FILE;
const SRC = `${path.sep}dist${path.sep}src${path.sep}`;
const MODULES = `${path.sep}node_modules${path.sep}`;

process.on('exit', () => {
  if (!out) return;
  const packages = new Set();
  const sources = new Set();
  for (const file of Object.keys(require.cache)) {
    const inModules = file.lastIndexOf(MODULES);
    const inSrc = file.lastIndexOf(SRC);
    if (inModules >= 0) {
      const parts = file.slice(inModules + MODULES.length).split(path.sep);
      packages.add(parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
    } else if (inSrc >= 0) {
      sources.add(file.slice(inSrc + SRC.length).replaceAll(path.sep, '/'));
    }
  }
  fs.writeFileSync(out, JSON.stringify({ packages: [...packages].sort(), sources: [...sources].sort() }));
});
