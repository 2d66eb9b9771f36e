/** Serve an app on an ephemeral loopback port, with the app extensions' server hooks applied. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { appExtensions } from '../../src/appExtensions';

export async function listen(
  app: Express | ((req: never, res: never) => void),
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const server = createServer(app as never);
  for (const hook of appExtensions.serverHooks) hook(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
