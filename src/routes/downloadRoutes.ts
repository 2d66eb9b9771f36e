/**
 * `POST /download?relative=home|items {folder_paths}`: the job-log folders `/download_logs` named,
 * as a zip (direct, as upstream's). `X-Home-Path` tells the CLI which home the paths are relative to.
 */
import { once } from 'node:events';
import { z } from 'zod';
import type { Endpoint } from '../http/endpoint';
import { parseInput } from '../http/validate';
import { resolveCaller } from '../http/caller';
import { zipParts } from '../http/zipArchive';
import { downloadFolders } from '../operations/downloads';

const body = z.looseObject({ folder_paths: z.array(z.string().min(1).max(4096)).min(1).max(100) });
const query = z.looseObject({ relative: z.enum(['home', 'items']).nullish() });

export const downloadEndpoints: Endpoint[] = [
  {
    method: 'POST',
    path: '/download',
    role: 'viewer',
    effect: 'read',
    stream: async (call, app, res) => {
      const { folder_paths: folders } = parseInput(body, call.body);
      const { relative } = parseInput(query, call.query, 'query');
      const caller = await resolveCaller(call, app);
      const entries = await downloadFolders(folders, relative ?? 'home', caller);
      // Built and written in pieces, yielding between them: a large download never holds the loop.
      const parts = await zipParts(entries.map((e) => ({ name: e.name, data: e.text })));
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader('Content-Disposition', 'attachment; filename="logs.zip"');
      res.setHeader('X-Home-Path', '~');
      res.setHeader(
        'Content-Length',
        parts.reduce((n, p) => n + p.length, 0),
      );
      // With the socket's backpressure: 100 MiB handed to it in one tick would be one long copy.
      for (const part of parts) if (!res.write(part)) await once(res, 'drain');
      res.end();
    },
  },
];
