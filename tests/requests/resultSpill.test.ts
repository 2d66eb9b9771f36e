/**
 * The spill directory goes with its store, also while results are still being written to it (a
 * server stopping under load): closing never throws (a write adding its file during the removal made
 * it fail with ENOTEMPTY), nothing is left behind, and a write that finds the spill closed says so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ResultSpill } from '../../src/requests/resultSpill';

describe('ResultSpill.close', () => {
  let parent: string;
  beforeEach(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'skyts-spill-'));
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('removes the directory while writes are under way, and leaves no file behind', async () => {
    for (let round = 0; round < 20; round++) {
      const spill = new ResultSpill(parent);
      const piece = 'x'.repeat(64 * 1024);
      const writes = Array.from({ length: 40 }, (_, i) =>
        spill.write(`req-${i}`, [piece, piece, piece]).then(
          () => 'written',
          () => 'refused',
        ),
      );
      // Let some writes open their files first, so the removal meets files being written.
      await new Promise((resolve) => setImmediate(resolve));
      expect(() => spill.close()).not.toThrow();
      const outcomes = await Promise.all(writes);
      expect(outcomes).toContain('refused');
      expect(fs.readdirSync(parent)).toEqual([]);
    }
  });

  it('refuses a write once closed', async () => {
    const spill = new ResultSpill(parent);
    spill.close();
    await expect(spill.write('late', ['{}'])).rejects.toThrow('the result spill is closed');
    expect(fs.readdirSync(parent)).toEqual([]);
  });
});
