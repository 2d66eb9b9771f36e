/**
 * `GET /dashboard_config` (upstream's `sky/server/server.py`): a direct JSON read, as upstream serves
 * it, and the schema of the server config's `dashboard` section, which a settings-page save and the
 * demo's `server_config.yaml` are held to (upstream's config schema: a label and a regex, both
 * non-empty, nothing else; here the regex must also compile, as the pages compile it).
 */
import { z } from 'zod';
import type { Endpoint } from '../http/endpoint';
import { dashboardConfig, MAX_EXTERNAL_LINKS } from '../operations/dashboardConfig';

const compiles = (pattern: string) => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
};

export const dashboardSection = z.strictObject({
  external_links: z
    .array(
      z.strictObject({
        label: z.string().min(1).max(256),
        regex: z.string().min(1).max(2048).refine(compiles, 'not a valid regular expression'),
      }),
    )
    .max(MAX_EXTERNAL_LINKS)
    .optional(),
});

export const dashboardConfigEndpoints: Endpoint[] = [
  {
    method: 'GET',
    path: '/dashboard_config',
    role: 'viewer',
    effect: 'read',
    direct: async () => ({ status: 200, json: await dashboardConfig() }),
  },
];
