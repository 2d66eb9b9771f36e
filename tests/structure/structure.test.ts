/**
 * The codebase's shape, checked: no import cycle in src/, each seam assembled without a key defined
 * twice, every seam function either called from src/ or listed once as upstream parity.
 */
import fs from 'node:fs';
import path from 'node:path';
import { assembleSeam } from '../../src/state/assembleSeam';
import { globalUserState, globalUserStateFamilies, UPSTREAM_PARITY_FUNCTIONS } from '../../src/state/globalUserState';
import { managedJobsState, managedJobsStateFamilies } from '../../src/state/managedJobsState';
import { currentUser } from '../../src/state/currentUser';
import { kubernetesInfra } from '../../src/infra/kubernetesInfra';
import { cycles, importGraph, SRC } from './importGraph';

const SEAMS = { globalUserState, managedJobsState, currentUser, kubernetesInfra } as const;

describe('structure', () => {
  it('src/ has no import cycle', () => {
    expect(cycles(importGraph())).toEqual([]);
  });

  it.each([
    ['globalUserState', globalUserState, globalUserStateFamilies],
    ['managedJobsState', managedJobsState, managedJobsStateFamilies],
  ] as const)('%s holds exactly the keys of its families', (_name, seam, families) => {
    const keys = Object.values(families).flatMap((f) => Object.keys(f));
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(seam).sort()).toEqual([...keys].sort());
  });

  it('assembling refuses a key defined by two families', () => {
    expect(() => assembleSeam('s', { a: { f: () => 1 }, b: { f: () => 2 } })).toThrow('s.f is defined by both the a and the b family');
  });

  it('every seam function is called from src/ or listed as upstream parity', () => {
    // Families never call their own seam, so any call found counts, except in the demo's fakes, the
    // sessions' writes and the file holding the parity list (whose entries are strings).
    const sources = (fs.readdirSync(SRC, { recursive: true }) as string[])
      .filter(
        (f) =>
          /\.tsx?$/.test(f) &&
          !f.startsWith(`demo${path.sep}`) &&
          !f.startsWith(`sessions${path.sep}`) &&
          f !== path.join('state', 'globalUserState.ts'),
      )
      .map((f) => fs.readFileSync(path.join(SRC, f), 'utf8'))
      .join('\n');
    const uncalled: string[] = [];
    for (const [seamName, seam] of Object.entries(SEAMS)) {
      for (const [fn, value] of Object.entries(seam)) {
        if (typeof value !== 'function') continue;
        if (!new RegExp(`\\b${seamName}\\.${fn}\\b`).test(sources)) uncalled.push(`${seamName}.${fn}`);
      }
    }
    expect(uncalled.sort()).toEqual([...UPSTREAM_PARITY_FUNCTIONS].sort());
  });
});
