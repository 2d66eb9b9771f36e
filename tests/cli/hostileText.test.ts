/**
 * Names with control characters from the server print as visible escapes in every output — tables,
 * plain lines, error lines, JSON — while our own colours still work and columns still line up.
 * Runs the real client against a fake server over HTTP.
 */
import { paint, renderColors } from '../../src/cli/colors';
import { run } from '../../src/cli/main';
import { jsonSafe, sanitize } from '../../src/cli/sanitize';
import { Capture } from '../helpers/capture';
import { HOSTILE, HOSTILE_CLUSTER, HOSTILE_SHOWN, HOSTILE_USER, HostileServer } from './hostileServer';

/** Any character that could steer a terminal, except the newline ending each line. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const OUR_COLOURS = /\u001b\[\d+m/g;

let server: HostileServer;
beforeAll(async () => {
  server = await new HostileServer().start();
});
afterAll(async () => {
  await server.close();
});

async function sky(argv: string[], tty = false) {
  const stdout = new Capture();
  const stderr = new Capture();
  stdout.isTTY = tty;
  const env = {
    SKYPILOT_API_SERVER_ENDPOINT: server.url,
    SKYPILOT_NO_AUTOSTART: '1',
    SKYPILOT_NOW: '2026-05-01T12:00:00Z',
    HOME: '/nonexistent',
  };
  const code = await run(argv, { stdout, stderr, env });
  return { code, out: stdout.text, err: stderr.text };
}

/** Each cell starts where its header does (headers are single words, cells have no double space). */
function expectAligned(header: string, row: string, cells: string[]): void {
  const starts = [...header.matchAll(/\S+/g)].map((m) => m.index ?? 0);
  expect(starts.map((start, col) => row.slice(start, start + cells[col].length))).toEqual(cells);
  expect(row.split(/ {2,}/)).toEqual(cells);
}

describe('hostile names from the server', () => {
  test('sky users ls: escaped, one row, aligned', async () => {
    const { code, out } = await sky(['users', 'ls']);
    expect(code).toBe(0);
    expect(out).not.toMatch(CONTROL);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(2); // the newline in the name did not forge a row
    expectAligned(lines[0], lines[1], [HOSTILE_SHOWN, HOSTILE_USER.id, 'admin', '2 years ago']);
  });

  test('sky status -a on a colour terminal: our colours render, nothing else steers', async () => {
    const { code, out } = await sky(['status', '-a'], true);
    expect(code).toBe(0);
    expect(out).toContain('\u001b[32mUP\u001b[0m');
    const seen = out.replace(OUR_COLOURS, '');
    expect(seen).not.toMatch(CONTROL);
    const lines = seen.trimEnd().split('\n');
    expect(lines).toHaveLength(3); // title, header, one cluster
    expectAligned(lines[1], lines[2], [
      HOSTILE_SHOWN,
      HOSTILE_SHOWN,
      'default',
      'AWS (us-east-1)',
      '1x AWS(m6i.2xlarge)',
      'UP',
      '-',
      '2 years ago',
    ]);
  });

  test('sky api info: the user name from /api/health is escaped', async () => {
    const { code, out } = await sky(['api', 'info']);
    expect(code).toBe(0);
    expect(out).not.toMatch(CONTROL);
    expect(out).toContain(`└── User: ${HOSTILE_SHOWN} (abcd1234)`);
  });

  test('a server error message is one escaped line (newlines join as spaces, as for every error)', async () => {
    const { code, out, err } = await sky(['down', '-y', 'x']);
    expect(code).toBe(1);
    expect(out).not.toMatch(CONTROL);
    expect(err).not.toMatch(CONTROL);
    expect(err.trimEnd().split('\n')).toEqual([`sky: error: Cluster '${HOSTILE_SHOWN.replace('\\n', ' ')}' does not exist.`]);
  });

  test('--json keeps the data exact and the text inert', async () => {
    const { code, out } = await sky(['status', '--json']);
    expect(code).toBe(0);
    expect(out).not.toMatch(CONTROL);
    expect(JSON.parse(out)).toEqual([HOSTILE_CLUSTER]);
    expect(JSON.parse(out)[0].name).toBe(HOSTILE);
  });
});

describe('sanitize', () => {
  test.each([
    ['\u001b[2J', '\\x1b[2J'],
    ['\u0007', '\\x07'],
    ['\u0000', '\\x00'],
    ['a\tb\r\n', 'a\\tb\\r\\n'],
    ['\u007f', '\\x7f'],
    ['\u0080\u009b\u009f', '\\x80\\x9b\\x9f'],
    ['\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['naïve ✓ 東京 \u00a0', 'naïve ✓ 東京 \u00a0'], // printable text and NBSP (0xa0) are left alone
  ])('%j prints as %j', (raw, shown) => {
    expect(sanitize(raw)).toBe(shown);
    expect(sanitize(sanitize(raw))).toBe(shown);
  });

  test('a colour marker from the server cannot be forged: without the per-process key it stays text', () => {
    const forged = `\ue000${'0'.repeat(16)}:31\ue001red?`;
    expect(renderColors(sanitize(forged))).toBe(forged);
    expect(renderColors(paint('ok', 'green', true))).toBe('\u001b[32mok\u001b[0m');
  });

  test('jsonSafe escapes what JSON.stringify leaves raw, and parses back to the same value', () => {
    const value = { name: '\u007f\u0085\u202e\u2069 \u001b' };
    const text = jsonSafe(JSON.stringify(value));
    expect(text).not.toMatch(CONTROL);
    expect(JSON.parse(text)).toEqual(value);
  });
});
