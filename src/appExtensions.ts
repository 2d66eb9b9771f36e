/**
 * Extension points of the app, for modules that add behaviour by being imported (plugins), without
 * the app knowing them: middleware mounted before everything else, and hooks on the HTTP server
 * (for example to handle protocol upgrades). `createApp` and `listen` read them when called, so a
 * module imported before the server starts is always in time.
 */
import type { Server } from 'node:http';
import type { RequestHandler } from 'express';

export const appExtensions = {
  firstMiddleware: [] as RequestHandler[],
  serverHooks: [] as ((server: Server) => void)[],
};
