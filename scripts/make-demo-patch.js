#!/usr/bin/env node
/**
 * Writes patches/demo.patch: one line, `import './demo/demo';`, added to src/server.ts right after the
 * runServer import. The hunk keeps one line of context on each side (the runServer import and the
 * blank line after the imports), so it still applies when unrelated lines of src/server.ts change.
 *
 *   node scripts/make-demo-patch.js            write the patch
 *   node scripts/make-demo-patch.js --stdout   print it instead
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const TARGET = 'src/server.ts';
const ANCHOR = "import { runServer } from './runServer';";
const DEMO_IMPORT = "import './demo/demo';";

function makeDemoPatch(serverSource) {
  const lines = serverSource.split('\n');
  const at = lines.indexOf(ANCHOR);
  if (at < 0) throw new Error(`${TARGET} has no line "${ANCHOR}" to anchor the demo import on`);
  if (lines.includes(DEMO_IMPORT)) throw new Error(`${TARGET} already imports the demo`);
  const after = lines[at + 1];
  if (after === undefined) throw new Error(`${TARGET} must have a line after "${ANCHOR}"`);
  const start = at + 1; // 1-based line number of the anchor
  return [
    `diff --git a/${TARGET} b/${TARGET}`,
    `--- a/${TARGET}`,
    `+++ b/${TARGET}`,
    `@@ -${start},2 +${start},3 @@`,
    ` ${ANCHOR}`,
    `+${DEMO_IMPORT}`,
    ` ${after}`,
    '',
  ].join('\n');
}

if (require.main === module) {
  try {
    const patch = makeDemoPatch(fs.readFileSync(path.join(ROOT, TARGET), 'utf8'));
    if (process.argv.includes('--stdout')) process.stdout.write(patch);
    else {
      fs.mkdirSync(path.join(ROOT, 'patches'), { recursive: true });
      fs.writeFileSync(path.join(ROOT, 'patches', 'demo.patch'), patch);
      console.log('wrote patches/demo.patch');
    }
  } catch (error) {
    console.error(`make-demo-patch: ${error.message}`);
    process.exit(1);
  }
}

module.exports = { makeDemoPatch, ANCHOR, DEMO_IMPORT, TARGET };
