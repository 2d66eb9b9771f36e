/**
 * A copy of the tree made into the nightly alone: src/demo, src/sessions and src/living (the demo's
 * living world) deleted, and with them every test file that imports, directly or through helpers,
 * what is gone (tests/structure/nightlyWithoutDemo.test.ts builds and tests what stays).
 */
import fs from 'node:fs';
import path from 'node:path';

export const WINGS = ['demo', 'sessions', 'living'] as const;

function testFiles(root: string): string[] {
  return fs.readdirSync(root, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(root, e.name);
    return e.isDirectory() ? testFiles(full) : /\.ts$/.test(e.name) ? [full] : [];
  });
}

/** Deletes, until nothing changes, every file under `root` importing a path under `gone` or a deleted file. */
function removeDependents(root: string, gone: string): void {
  const missing = (spec: string, from: string) => {
    if (!spec.startsWith('.')) return false;
    const base = path.resolve(path.dirname(from), spec);
    return base.startsWith(gone) || (!['.ts', '.tsx', '/index.ts'].some((ext) => fs.existsSync(base + ext)) && !fs.existsSync(base));
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const file of testFiles(root)) {
      // Statements only: an import written inside a string (floors.test.ts's made-up trees) is text.
      const statements = /^\s*(?:import|export)\b[^'";]*?\bfrom '([^']+)'|^\s*import '([^']+)'|import\('([^']+)'\)/gm;
      const specs = [...fs.readFileSync(file, 'utf8').matchAll(statements)].map((m) => m[1] ?? m[2] ?? m[3]);
      if (specs.some((spec) => missing(spec, file))) {
        fs.rmSync(file);
        changed = true;
      }
    }
  }
}

/** Removes the wings from the copy at `dir`, and the tests that needed them. */
export function removeWings(dir: string): void {
  for (const wing of WINGS) fs.rmSync(path.join(dir, 'src', wing), { recursive: true });
  for (const wing of WINGS) removeDependents(path.join(dir, 'tests'), path.join(dir, 'src', wing));
}
