/** Bad server options get one readable line and exit code 2, never a stack trace. Needs `npm run build`. */
import { execFile } from 'node:child_process';
import path from 'node:path';

const SERVER = path.resolve(__dirname, '..', '..', 'dist', 'src', 'server.js');

function startServer(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SERVER, ...args], { timeout: 15_000 }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stderr }));
  });
}

describe('server options', () => {
  it.each([
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '70000'], /--port must be an integer/],
    [['--bogus'], /Unknown option '--bogus'/],
  ])('%j is refused with one line', async (args, message) => {
    const { code, stderr } = await startServer(args);
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^skypilot-ts: error: /);
    expect(lines[0]).toMatch(message);
  });
});
