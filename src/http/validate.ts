/**
 * Body and query validation with zod. Schemas are loose objects: SkyPilot clients send fields this
 * server does not know yet, and unknown fields are ignored, as upstream does. A wrong or missing field
 * is a `ValidationError` (400) that names each field.
 */
import { z } from 'zod';
import { ValidationError } from '../errors';

export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : where,
    message: issue.message,
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new ValidationError(`Invalid request ${where}: ${summary}`, issues);
}

/** The fields every SkyPilot request body may carry. */
export const baseBody = {
  env_vars: z.record(z.string(), z.unknown()).nullish(),
  entrypoint: z.string().nullish(),
  entrypoint_command: z.string().nullish(),
  using_remote_api_server: z.boolean().nullish(),
  override_skypilot_config: z.record(z.string(), z.unknown()).nullish(),
  override_skypilot_config_path: z.string().nullish(),
};

export const clusterName = z.string().min(1, 'cluster name must not be empty').max(255)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]*$/, 'cluster name may contain letters, digits, ".", "_" and "-"');

/** Job ids arrive as ints or numeric strings (the dashboard sends `["3"]`). */
export const jobId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'must be a job id').transform(Number)]);

/** Query-string booleans: `true`/`false`/`1`/`0`. */
export const queryBool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', '']).transform((v) => v === 'true' || v === '1')]);
