/**
 * No size cliff: a result is never lost because it is big or because the memory tier is full. What the
 * tier has no room for is spilled to disk and `/api/get` still answers it whole; results nobody has
 * fetched are never dropped for room while the tier's memory stays under its bound. Big values are
 * serialised and quoted in slices, to the same bytes as `JSON.stringify`.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import type { RequestRecord, Viewer } from '../../src/requests/requestRecord';
import type { RequestStore } from '../../src/requests/requestStore';
import { quoteInParts, serializeYielding } from '../../src/requests/yieldingJson';
import { type ApiHarness, closeApiHarness, openApiHarness } from '../helpers/api';
import { newRequest } from '../helpers/newRequest';
import { RequestStore as Store } from '../../src/requests/requestStore';
import { getResult } from '../../src/operations/requests';

const ADMIN: Viewer = { principal: 'local', admin: true };

async function finishedRead(store: RequestStore, value: string) {
  const { record } = await store.create(newRequest(), () => `fresh-${Math.random()}`);
  await store.finish(record, 'SUCCEEDED', value, null);
  return record;
}

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a 20 MB result through /api/get', () => {
  it('is answered whole while its spill to disk may still be under way', async () => {
    const text = JSON.stringify('é😀"'.repeat(2_000_000));
    const record = await finishedRead(h.store, text);
    // Fetched at once: the spill (started by the put) has not finished yet.
    expect(record.spillFile).toBeUndefined();
    const res = await request(h.app).get('/api/get').query({ request_id: record.requestId });
    expect(res.status).toBe(200);
    expect(res.body.return_value).toBe(text);
  });

  let h: ApiHarness;
  beforeAll(async () => {
    h = await openApiHarness();
  });
  afterAll(() => closeApiHarness(h));

  it('is answered whole, from disk, past the 8 MiB memory tier', async () => {
    // Quotes, backslashes and non-ASCII (a surrogate pair) so the double quoting is exercised.
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ job_id: i, name: `job-"${i}"\\😀`, pad: 'x'.repeat(150) }));
    const text = JSON.stringify(rows);
    expect(text.length).toBeGreaterThan(20_000_000);
    const record = await finishedRead(h.store, text);
    await until(() => record.spillFile !== undefined);
    expect(record.returnValue).toBe('');
    const res = await request(h.app).get('/api/get').query({ request_id: record.requestId });
    expect(res.status).toBe(200);
    expect(res.body.return_value).toBe(text);
  });
});

describe('the memory tier with a spill directory', () => {
  const cases = [
    { name: 'by bytes', memory: { maxBytes: 200_000, maxEntries: 1_000 }, count: 40, size: 50_000 },
    { name: 'by count', memory: { maxBytes: 64 * 1024 * 1024, maxEntries: 5 }, count: 30, size: 100 },
  ];
  it.each(cases)('never evicts an unfetched result, and stays bounded $name', async ({ memory, count, size }) => {
    const store = await Store.openSqlite(':memory:', { memory, persistReads: false });
    try {
      const records: RequestRecord[] = [];
      for (let i = 0; i < count; i++) records.push(await finishedRead(store, JSON.stringify(`${i}:`.padEnd(size, 'y'))));
      // Every spill written: the results held in memory are back under the bounds (a spilled request
      // keeps only its small record), every result still there.
      await until(
        () =>
          records.filter((r) => r.spillFile !== undefined).length >= count - memory.maxEntries && store.memory.heldBytes <= memory.maxBytes,
      );
      expect(store.memory.heldBytes).toBeLessThanOrEqual(memory.maxBytes);
      expect(store.memory.totalBytes).toBeLessThanOrEqual(memory.maxBytes + count * 1_000);
      expect(store.memory.size).toBe(count);
      expect(store.memory.diskBytes).toBeGreaterThan(0);
      for (const [i, r] of records.entries()) {
        const reply = await getResult(store, r.requestId, ADMIN, 1_000);
        const body = reply.jsonText ?? reply.jsonParts!.map((part) => part.toString()).join('');
        expect(JSON.parse(JSON.parse(body).return_value)).toBe(`${i}:`.padEnd(size, 'y'));
      }
    } finally {
      await store.close();
    }
  });

  it('drops fetched results for room before spilling unfetched ones, and removes their files', async () => {
    const store = await Store.openSqlite(':memory:', { memory: { maxBytes: 120_000, fetchedGraceMs: 60_000 }, persistReads: false });
    try {
      const fetched = await finishedRead(store, JSON.stringify('f'.padEnd(50_000)));
      store.markFetched(fetched.requestId);
      const waiting = await finishedRead(store, JSON.stringify('w'.padEnd(50_000)));
      await finishedRead(store, JSON.stringify('n'.padEnd(50_000)));
      expect(store.memory.get(fetched.requestId)).toBeUndefined();
      expect(waiting.spillFile).toBeUndefined();
      expect(store.memory.get(waiting.requestId)?.returnValue).not.toBe('');
    } finally {
      await store.close();
    }
  });

  it('costs what it evicts, not its size: thousands of spilled results are not walked on every put', async () => {
    // Log streams nobody fetched afterwards pile up spilled until their retention: every put used to
    // walk past all of them while the spilled records' own bytes kept the tier "over".
    const store = await Store.openSqlite(':memory:', { memory: { maxEntries: 5, maxBytes: 4_000 }, persistReads: false });
    try {
      const records: RequestRecord[] = [];
      for (let i = 0; i < 3_000; i++) records.push(await finishedRead(store, JSON.stringify(`${i}`.padEnd(100, 'z'))));
      await until(() => records.filter((r) => r.spillFile !== undefined).length >= 3_000 - 5);
      expect(store.memory.size).toBe(3_000);
      expect(store.memory.heldBytes).toBeLessThanOrEqual(4_000);
      await finishedRead(store, '"one more"');
      expect(store.memory.lastEvictVisits).toBeLessThan(10);
      const last = await getResult(store, records[0].requestId, ADMIN, 1_000);
      expect(JSON.parse(JSON.parse(last.jsonText ?? last.jsonParts!.map((part) => part.toString()).join('')).return_value)).toBe(
        '0'.padEnd(100, 'z'),
      );
    } finally {
      await store.close();
    }
  }, 60_000);

  it('forgets a spilled result when its retention runs out, and its file with it', async () => {
    const store = await Store.openSqlite(':memory:', { memory: { maxEntries: 1, readRetentionMs: 300 }, persistReads: false });
    try {
      const first = await finishedRead(store, '"a"');
      await finishedRead(store, '"b"');
      await until(() => first.spillFile !== undefined);
      const file = first.spillFile!;
      await new Promise((r) => setTimeout(r, 350));
      store.memory.evict();
      expect(store.memory.get(first.requestId)).toBeUndefined();
      expect(store.memory.diskBytes).toBe(0);
      await until(() => !existsSync(file));
    } finally {
      await store.close();
    }
  });
});

describe('spill directories', () => {
  it("a dead process's directory is removed by the next store that starts beside it; a live one's stays", async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'skyts-spill-'));
    try {
      // PIDs far above Linux's default pid_max (4,194,304): no such process.
      const dead = path.join(parent, 'skypilot-ts-results-9999999-abcd');
      const live = path.join(parent, `skypilot-ts-results-${process.ppid}-abcd`);
      for (const dir of [dead, live]) mkdirSync(dir);
      const store = await Store.openSqlite(':memory:', { spillParent: parent, persistReads: false });
      await store.close();
      expect(existsSync(dead)).toBe(false);
      expect(existsSync(live)).toBe(true);
      // Its own is gone with it.
      expect(readdirSync(parent)).toEqual([path.basename(live)]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

describe('serialising in slices', () => {
  const values: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a number', 3.5],
    ['an empty array', []],
    ['nested', { a: [1, { b: undefined, c: () => 1, d: 'é😀"\\\n' }], e: { f: [null, undefined] }, g: undefined }],
    ['a Date (toJSON)', { when: new Date(0) }],
    // A toJSON answering undefined: the key is left out of an object, null in an array.
    [
      'toJSON undefined',
      { gone: { toJSON: () => undefined }, kept: 1, rows: [{ toJSON: () => undefined }, [{ toJSON: () => undefined }]] },
    ],
    ['a list of lists', { jobs: [[1, [2]], [], [{ a: [3] }]], total: 2 }],
    ['many rows', Array.from({ length: 20_000 }, (_, i) => ({ id: i, tags: ['x', i], nested: { deep: [i] } }))],
  ];
  it.each(values)('%s: the same bytes as JSON.stringify', async (_name, value) => {
    expect(await serializeYielding(value)).toBe(JSON.stringify(value ?? null));
  });

  it('quotes a long text with a surrogate pair on every cut the same as JSON.stringify', async () => {
    const text = `${'😀'.repeat(1_500_000)}a"\\\u0001`;
    expect((await quoteInParts(text)).join('')).toBe(JSON.stringify(text));
    const shifted = `a${text}`;
    expect((await quoteInParts(shifted)).join('')).toBe(JSON.stringify(shifted));
    // Each piece is encoded on its own when sent (httpCall.ts): no cut may split a surrogate pair.
    const bytes = Buffer.concat(await quoteInParts(shifted));
    expect(bytes.equals(Buffer.from(JSON.stringify(shifted), 'utf8'))).toBe(true);
  });
});
