/**
 * Body and query validation with zod. Schemas are loose objects: SkyPilot clients send fields this
 * server does not know yet, and unknown fields are ignored, as upstream does. A wrong or missing field
 * is a `ValidationError` (400) that names each field.
 */
import { z } from 'zod';
import { ValidationError } from '../errors';
import {
  CLUSTER_NAME_MAX_LENGTH,
  CLUSTER_NAME_PATTERN,
  CLUSTER_NAME_RULE,
  UNSAFE_TEXT_PATTERN,
  USER_NAME_MAX_LENGTH,
  USER_NAME_RULE,
} from '../vocab/names';

/**
 * What a schema makes of an empty input (`{}`, or no body) when that is an empty object too: checked
 * once per schema, then shared, frozen, so the commonest body of the hot reads (`POST /status` with
 * `{}`) is not validated again on every call. Anything else is validated every time.
 */
const emptyAnswers = new WeakMap<z.ZodType, object>();

function isEmptyObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const _ in value) return false;
  return true;
}

export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where = 'body'): z.infer<T> {
  const value = input ?? {};
  const empty = isEmptyObject(value);
  if (empty) {
    const known = emptyAnswers.get(schema);
    if (known) return known as z.infer<T>;
  }
  const result = schema.safeParse(value);
  if (result.success) {
    if (empty && isEmptyObject(result.data) && Object.getPrototypeOf(result.data) === Object.prototype) {
      emptyAnswers.set(schema, Object.freeze(result.data));
    }
    return result.data;
  }
  const issues = result.error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.length ? issue.path.join('.') : where,
    message: issue.message,
  }));
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new ValidationError(`Invalid request ${where}: ${summary}`, issues);
}

/** A flag of a request body: optional, and null (what Python's None becomes) reads as absent. */
export const optionalFlag = z.boolean().nullish();

/** The fields every SkyPilot request body may carry. */
export const baseBody = {
  env_vars: z.record(z.string(), z.unknown()).nullish(),
  entrypoint: z.string().nullish(),
  entrypoint_command: z.string().nullish(),
  using_remote_api_server: optionalFlag,
  override_skypilot_config: z.record(z.string(), z.unknown()).nullish(),
  override_skypilot_config_path: z.string().nullish(),
};

/** A cluster name as SkyPilot allows it: no path, glob, space, quote or control character gets further. */
export const clusterName = z
  .string()
  .min(1, 'cluster name must not be empty')
  .max(CLUSTER_NAME_MAX_LENGTH)
  .regex(CLUSTER_NAME_PATTERN, `cluster names ${CLUSTER_NAME_RULE}`);

/** A user name (or id) as stored and later printed: nothing that can drive a terminal. */
export const userName = z
  .string()
  .max(USER_NAME_MAX_LENGTH, USER_NAME_RULE)
  .refine((v) => !UNSAFE_TEXT_PATTERN.test(v), USER_NAME_RULE);

/**
 * The identity a client sends in `env_vars` (see state/currentUser.ts) becomes the request's user
 * and a row of the users table, so it is held to the rule of `/users/create`. Other variables are
 * the client's business and pass unchecked.
 */
export const callerEnvVars = z.looseObject({
  env_vars: z.looseObject({ SKYPILOT_USER: userName.nullish(), SKYPILOT_USER_ID: userName.nullish() }).nullish(),
});

/** Job ids arrive as ints or numeric strings (the dashboard sends `["3"]`). */
export const jobId = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be a job id')
    .transform(Number),
]);

/**
 * Query-string booleans. SkyPilot's Python client sends `True`/`False` (str() of a bool), browsers
 * send `true`/`false`: any case of true/false, and 1/0, are accepted.
 */
export const queryBool = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false|1|0|)$/i, 'must be true or false')
    .transform((v) => /^(true|1)$/i.test(v)),
]);
