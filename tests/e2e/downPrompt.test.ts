/**
 * `sky down` without `-y` asks on a real terminal: `n` aborts with exit 1 before anything reaches the
 * server; `y` terminates. Runs `node bin/sky.js` on a pseudo-terminal (tmux, else python3's pty; each
 * one present is tested) against a fake server. Needs `npm run build`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProtocolServer } from '../client/protocolServer';
import { terminalDrivers, type TerminalDriver } from './terminal';

const ROOT = path.resolve(__dirname, '..', '..');

function describeDown(driver: TerminalDriver): void {
  describe(`sky down on a terminal (${driver.name})`, () => {
    let server: ProtocolServer;
    let env: Record<string, string>;

    beforeEach(async () => {
      server = await new ProtocolServer().start();
      env = {
        PATH: process.env.PATH ?? '',
        HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'sky-prompt-home-')),
        TERM: 'xterm',
        NO_COLOR: '1',
        SKYPILOT_API_SERVER_ENDPOINT: server.url,
        SKYPILOT_NO_AUTOSTART: '1',
      };
    });
    afterEach(async () => {
      await server.close();
      fs.rmSync(env.HOME, { recursive: true, force: true });
    });

    const down = (answer: string) =>
      driver.run([process.execPath, 'bin/sky.js', 'down', 'dev'], { env, cwd: ROOT, prompt: 'Proceed?', answer });

    it('n aborts: exit 1, "Aborted", and no request reaches the server', async () => {
      const { transcript, exitCode } = await down('n');
      expect(transcript).toContain('Terminating cluster: dev. Proceed? [Y/n]: n');
      expect(transcript).toContain('sky: Aborted.');
      expect(exitCode).toBe(1);
      expect([...server.attempts.keys()]).toEqual([]);
    });

    it('y proceeds: the cluster is terminated, exit 0', async () => {
      const { transcript, exitCode } = await down('y');
      expect(transcript).toContain("Terminating cluster 'dev'...done.");
      expect(exitCode).toBe(0);
      expect(server.writesRun.get('dev')).toBe(1);
    });
  });
}

const drivers = terminalDrivers();
if (drivers.length === 0) {
  test.skip('sky down on a terminal: SKIPPED, neither tmux nor python3 is installed to drive a terminal', () => undefined);
}
for (const driver of drivers) describeDown(driver);
