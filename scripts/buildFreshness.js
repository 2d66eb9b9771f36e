/**
 * Whether the build in dist/ is older than what it is built from, so `npm start` can skip a tsc run
 * that takes 5 s on a quiet machine and over 30 s on a busy one.
 *
 * Sources: every file under src/, plus the files that change what tsc or the dashboard bundle emit.
 * The build's time is that of its oldest key output. The dashboard bundle is written last (`tsc &&
 * build-dashboard`), so a tsc run that failed — after emitting JavaScript anyway — leaves it older
 * than the edit, and the next start builds again instead of running unchecked code.
 */

const fs = require('node:fs');
const path = require('node:path');

const LAYOUT = {
  sourceDirs: ['src'],
  sourceFiles: ['tsconfig.json', 'package.json', 'package-lock.json', 'scripts/build-dashboard.js'],
  outputs: ['dist/src/server.js', 'dist/src/demo/demo.js', 'dist/dashboard/index.html'],
};

/** The most recently modified file under `dir` ({file, mtimeMs}), or undefined when there is none. */
function newestUnder(dir) {
  let newest;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestUnder(file) : { file, mtimeMs: fs.statSync(file).mtimeMs };
    if (candidate && (!newest || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}

/**
 * An output of a wing (`dist/src/<folder>/...`) whose folder is not in src/ is not expected: the
 * nightly without the demo builds and starts without `dist/src/demo/demo.js`.
 */
function expected(root, output) {
  const wing = /^dist\/src\/([^/]+)\//.exec(output);
  return !wing || fs.existsSync(path.join(root, 'src', wing[1]));
}

/** Why dist/ must be rebuilt, in a few words; undefined when it is current. */
function staleReason(root, layout = LAYOUT) {
  let builtAt = Infinity;
  for (const output of layout.outputs.filter((o) => expected(root, o))) {
    try {
      builtAt = Math.min(builtAt, fs.statSync(path.join(root, output)).mtimeMs);
    } catch {
      return `${output} is missing`;
    }
  }
  const sources = [
    ...layout.sourceDirs.map((dir) => newestUnder(path.join(root, dir))),
    ...layout.sourceFiles.map((file) => {
      try {
        return { file: path.join(root, file), mtimeMs: fs.statSync(path.join(root, file)).mtimeMs };
      } catch {
        return undefined; // an optional file (no lock file): nothing to compare
      }
    }),
  ];
  for (const source of sources) {
    if (source && source.mtimeMs > builtAt) return `${path.relative(root, source.file)} changed since the last build`;
  }
  return undefined;
}

module.exports = { LAYOUT, staleReason };
