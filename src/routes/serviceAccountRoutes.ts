/**
 * Service-account tokens (direct, as upstream's `/users/service-account-tokens` router). Listing is
 * on upstream's viewer list (metadata only); making, rotating, deleting a token and reading or
 * changing its account's role are a user's, on the tokens they created (an admin's on any), checked
 * in the operations. Creating and rotating need the tokens turned on (SKYPILOT_SERVICE_ACCOUNTS).
 * A role change applies to the account's next request.
 */
import { z } from 'zod';
import { forgetRoles, resolveCaller } from '../http/caller';
import type { AppContext } from '../http/appContext';
import type { Endpoint } from '../http/endpoint';
import type { HttpCall } from '../http/httpCall';
import { baseBody, parseInput } from '../http/validate';
import * as accounts from '../operations/serviceAccounts';
import { roleOfViewer } from '../requests/requestRecord';
import { CLUSTER_NAME_MAX_LENGTH, CLUSTER_NAME_PATTERN, CLUSTER_NAME_RULE } from '../vocab/names';
import { USER_ROLES } from '../vocab/statuses';

const PATH = '/users/service-account-tokens';
/** About a century: far enough for "long-lived", near enough to stay a valid date. */
const MAX_DAYS = 36_500;

const tokenId = z.string().min(1).max(64);
const days = z.number().int('must be a whole number of days').min(0, 'must be 0 (never) or more').max(MAX_DAYS).nullish();
const createBody = z.looseObject({
  ...baseBody,
  token_name: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(CLUSTER_NAME_MAX_LENGTH)
    .regex(CLUSTER_NAME_PATTERN, `token names ${CLUSTER_NAME_RULE}`),
  expires_in_days: days,
});
const tokenBody = z.looseObject({ ...baseBody, token_id: tokenId });
const rotateBody = z.looseObject({ ...baseBody, token_id: tokenId, expires_in_days: days });
const roleBody = z.looseObject({ ...baseBody, token_id: tokenId, role: z.enum(USER_ROLES) });

async function callerOf(call: HttpCall, app: AppContext): Promise<accounts.TokenCaller> {
  const caller = await resolveCaller(call, app);
  return { identity: caller.identity, role: roleOfViewer(caller.viewer) };
}

const ok = (json: unknown) => ({ status: 200, json });

export const serviceAccountEndpoints: Endpoint[] = [
  { method: 'GET', path: PATH, role: 'viewer', effect: 'read', direct: async () => ok(await accounts.listTokens()) },
  {
    method: 'POST',
    path: PATH,
    effect: 'write',
    direct: async (call, app) =>
      ok(await accounts.createToken(await callerOf(call, app), parseInput(createBody, call.body), app.serviceAccounts)),
  },
  {
    method: 'POST',
    path: `${PATH}/delete`,
    effect: 'write',
    direct: async (call, app) => ok(await accounts.deleteToken(await callerOf(call, app), parseInput(tokenBody, call.body))),
  },
  {
    method: 'POST',
    path: `${PATH}/rotate`,
    effect: 'write',
    direct: async (call, app) =>
      ok(await accounts.rotateToken(await callerOf(call, app), parseInput(rotateBody, call.body), app.serviceAccounts)),
  },
  {
    // A POST that reads, as upstream; not on its viewer list.
    method: 'POST',
    path: `${PATH}/get-role`,
    effect: 'read',
    direct: async (call, app) => ok(await accounts.tokenRole(await callerOf(call, app), parseInput(tokenBody, call.body))),
  },
  {
    method: 'POST',
    path: `${PATH}/update-role`,
    effect: 'write',
    direct: async (call, app) => {
      const answer = await accounts.updateTokenRole(await callerOf(call, app), parseInput(roleBody, call.body));
      forgetRoles();
      return ok(answer);
    },
  },
];
