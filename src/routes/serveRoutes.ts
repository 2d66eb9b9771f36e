/**
 * SkyServe endpoints. This build runs no services: the listing is empty, which `sky status` prints as
 * "No existing services." and the dashboard as no services.
 */
import { z } from 'zod';
import { type Endpoint, scheduledEndpoint } from '../http/endpoint';
import { baseBody } from '../http/validate';

export const serveEndpoints: Endpoint[] = [
  scheduledEndpoint('POST', '/serve/status', {
    role: 'viewer',
    name: 'sky.serve.status',
    effect: 'read',
    schema: z.looseObject({ ...baseBody, service_names: z.union([z.array(z.string().max(256)).max(1000), z.string().max(256)]).nullish() }),
    run: async () => [],
  }),
];
