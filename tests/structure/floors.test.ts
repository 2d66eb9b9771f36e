/**
 * The floors hold (docs/architecture.md): no import in src/, types included, from a floor to one
 * above it, none between the server and the client side, and no circle of imports at all; the demo
 * stays "one import swaps the seams" (under 1,600 lines), the sessions being a wing of their own.
 * The checks are run on small made-up trees too, so a broken check cannot pass silently.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cycles, importGraph, SRC } from './importGraph';
import { FLOORS, floorOf, floorProblem } from './layers';

const DEMO_MAX_LINES = 1600;

function problems(root: string): string[] {
  const found: string[] = [];
  for (const [file, targets] of importGraph(root, { types: true })) {
    if (floorOf(path.relative(root, file)) < 0) found.push(`${path.relative(root, file)} is on no floor (tests/structure/layers.ts)`);
    for (const target of targets) {
      const problem = floorProblem(path.relative(root, file), path.relative(root, target));
      if (problem) found.push(problem);
    }
  }
  return found;
}

function linesUnder(dir: string): number {
  if (!fs.existsSync(dir)) return 0; // the nightly without the demo (nightlyWithoutDemo.test.ts)
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /\.tsx?$/.test(f))
    .reduce((sum, f) => sum + fs.readFileSync(path.join(dir, f), 'utf8').split('\n').length - 1, 0);
}

describe('floors', () => {
  it('every file of src/ is on a floor, and no import points up or across to the client side', () => {
    expect(problems(SRC)).toEqual([]);
  });

  it('src/ has no circle of imports, type imports included', () => {
    expect(cycles(importGraph(SRC, { types: true }))).toEqual([]);
  });

  it(`src/demo stays under ${DEMO_MAX_LINES} lines, and the sessions are above it`, () => {
    expect(linesUnder(path.join(SRC, 'demo'))).toBeLessThan(DEMO_MAX_LINES);
    expect(floorOf('sessions/sessionDoor.ts')).toBeGreaterThan(floorOf('demo/installDemo.ts'));
  });

  describe('the checks themselves, on made-up trees', () => {
    let root: string;
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'skyts-floors-'));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it.each([
      [
        'an upward runtime import',
        'http/a.ts',
        "import { b } from '../operations/b';",
        'operations/b.ts',
        /\(http\) imports operations\/b\.ts \(operations\)/,
      ],
      [
        'an upward type import',
        'state/a.ts',
        "import type { B } from '../requests/b';",
        'requests/b.ts',
        /\(state\) imports requests\/b\.ts/,
      ],
      ['a type specifier', 'db/a.ts', "import { type B } from '../state/b';", 'state/b.ts', /\(db\) imports state\/b\.ts/],
      ['the demo importing the sessions', 'demo/a.ts', "import { b } from '../sessions/b';", 'sessions/b.ts', /\(demo\) imports sessions/],
      [
        'the client importing the server',
        'client/a.ts',
        "import { b } from '../http/b';",
        'http/b.ts',
        /client side\) imports the server's/,
      ],
      ['a file on no floor', 'newFolder/a.ts', "import { b } from '../vocab/b';", 'vocab/b.ts', /newFolder\/a\.ts is on no floor/],
    ])('finds %s', (_what, file, text, target, expected) => {
      write(file, `${text}\n`);
      write(target, 'export const b = 1;\nexport type B = number;\n');
      expect(problems(root).join('\n')).toMatch(expected);
    });

    it('allows imports down and within a floor', () => {
      write('operations/a.ts', "import { b } from '../http/b';\nimport { c } from './c';\n");
      write('http/b.ts', "import type { D } from '../vocab/d';\nexport const b = 1;\n");
      write('operations/c.ts', 'export const c = 1;\n');
      write('vocab/d.ts', 'export type D = 1;\n');
      expect(problems(root)).toEqual([]);
    });

    it('finds a circle made of type imports only', () => {
      write('http/a.ts', "import type { B } from './b';\nexport type A = B;\n");
      write('http/b.ts', "import type { A } from './a';\nexport type B = A | 1;\n");
      expect(cycles(importGraph(root, { types: true }))).toHaveLength(1);
      expect(cycles(importGraph(root))).toEqual([]);
    });
  });

  it('names every floor in docs/architecture.md', () => {
    const doc = fs.readFileSync(path.join(SRC, '..', 'docs', 'architecture.md'), 'utf8');
    for (const floor of FLOORS) expect(doc).toContain(`**${floor.name}**`);
  });
});
