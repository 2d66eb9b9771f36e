/**
 * `POST /download?relative=home|items {folder_paths}`: the job-log folders `/download_logs` named,
 * as a zip (direct, as upstream's). `X-Home-Path` tells the CLI which home the paths are relative to.
 */
import { z } from 'zod';
import type { Endpoint } from '../http/endpoint';
import { parseInput } from '../http/validate';
import { resolveCaller } from '../http/caller';
import { zipArchive } from '../http/zipArchive';
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
      await resolveCaller(call, app);
      const entries = await downloadFolders(folders, relative ?? 'home');
      const zip = zipArchive(entries.map((e) => ({ name: e.name, data: Buffer.from(e.text, 'utf8') })));
      res.statusCode = 200;
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader('Content-Disposition', 'attachment; filename="logs.zip"');
      res.setHeader('X-Home-Path', '~');
      res.setHeader('Content-Length', zip.length);
      res.end(zip);
    },
  },
];
