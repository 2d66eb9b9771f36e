#!/usr/bin/env node
/**
 * The demo's own build step (`npm run build` runs every src/<wing>/build.js after tsc, through
 * scripts/wing-builds.js, so the nightly builds without this folder). It parses every YAML file
 * under src/demo/fixtures once, at build time, into
 * dist/src/demo/fixtures.parsed.json (text hash -> JSON), so the demo starts without loading a YAML
 * parser for files that did not change since the build (see src/demo/yamlFiles.ts). The demo still
 * validates every file on start; this only skips the parsing.
 */

const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..', '..');
const fixtures = path.join(root, 'src', 'demo', 'fixtures');
const out = path.join(root, 'dist', 'src', 'demo', 'fixtures.parsed.json');
// The same key as src/demo/yamlFiles.ts (built just before this runs).
const { textKey } = require(path.join(root, 'dist', 'src', 'demo', 'yamlFiles.js'));

function yamlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(entry.name) ? [full] : [];
  });
}

const entries = {};
for (const file of yamlFiles(fixtures)) {
  const text = fs.readFileSync(file, 'utf8');
  try {
    entries[textKey(text)] = JSON.stringify(YAML.parse(text) ?? null);
  } catch {
    // Invalid YAML is reported by the demo itself, with the file and the line, when it loads.
  }
}
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(entries));
console.log(`demo fixtures parsed: ${Object.keys(entries).length} YAML files → ${path.relative(root, out)}`);
