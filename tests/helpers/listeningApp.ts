/** A test server's life: an Express app on 127.0.0.1 and an ephemeral port, closed without waiting for idle sockets. */
import type { Express } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export abstract class ListeningApp {
  url = '';
  private server?: Server;

  protected abstract app(): Express;

  async start(): Promise<this> {
    const server = this.app().listen(0, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
