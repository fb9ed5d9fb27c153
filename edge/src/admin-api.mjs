// The admin API, under /admin/, authenticated by `Authorization: Bearer LLMUX_ADMIN_TOKEN`:
//
//   GET    /admin/users                      the users
//   POST   /admin/users                      {id, name, team?}: adds one (201)
//   GET    /admin/users/:id                  one user, with their budget
//   PATCH  /admin/users/:id                  {name?, team?}
//   DELETE /admin/users/:id                  removes the user, their keys, models, ledger
//   GET    /admin/users/:id/keys             their gateway keys (id, prefix, label: never the key)
//   POST   /admin/users/:id/keys             {label?}: a new key, shown once in this answer (201)
//   DELETE /admin/users/:id/keys/:keyId      revokes a key
//   GET    /admin/users/:id/models           their models (never the provider key)
//   POST   /admin/users/:id/models           a model (model-record.mjs) (201)
//   PATCH  /admin/users/:id/models/:name     changes fields of one
//   DELETE /admin/users/:id/models/:name
//   GET    /admin/users/:id/budget           {monthly_usd, spent_usd} this UTC month
//   PUT    /admin/users/:id/budget           {monthly_usd: "5.00" | null}
//   GET    /admin/users/:id/usage            as GET /v1/usage, for that user
//   GET    /admin/models                     the shared models; POST, PATCH /:name, DELETE /:name
//   POST   /admin/reseal                     re-seals every provider key under the current secret
//
// Errors are OpenAI-shaped (api-errors.mjs).

import { errorResponse, jsonResponse } from './api-errors.mjs';
import { gatewayConfig } from './config.mjs';
import { hashKey, newGatewayKey, presentedKey, sameDigest } from './gateway-keys.mjs';
import { BodyError, readJsonBody } from './request-body.mjs';
import { UsageQueryError, usageRange } from './usage-report.mjs';

const fail = (status, message) => errorResponse('openai', status, message);

/** The answer a DO method gave ({value} or {refused}) as a response. */
const answered = ({ value, refused }, status = 200) => (refused ? fail(refused.status, refused.message) : jsonResponse(value, status));

export async function handleAdmin(request, env, url) {
  const config = gatewayConfig(env);
  if (!config.adminToken) return fail(404, 'the admin API is off: LLMUX_ADMIN_TOKEN is not set');
  const token = presentedKey(request.headers);
  if (!token || !sameDigest(await hashKey(token), await hashKey(config.adminToken))) return fail(401, 'the admin token is missing or wrong');

  const parts = url.pathname.split('/').slice(2).map(decodeURIComponent); // after /admin/
  const method = request.method;
  const body = async () => readJsonBody(request, config.maxBodyBytes);
  const directory = env.DIRECTORY.get(env.DIRECTORY.idFromName('directory'));
  const account = (id) => env.USER_ACCOUNT.get(env.USER_ACCOUNT.idFromName(id));

  try {
    if (parts[0] === 'users') {
      const [, id, collection, item, extra] = parts;
      if (extra !== undefined) return fail(404, 'no such admin route');
      if (id === undefined) {
        if (method === 'GET') return jsonResponse({ users: await directory.listUsers() });
        if (method === 'POST') return answered(await directory.createUser(await body()), 201);
        return fail(405, 'GET or POST');
      }
      const user = await directory.getUser(id);
      if (user.refused) return answered(user);
      if (collection === undefined) {
        if (method === 'GET') return jsonResponse({ ...user.value, budget: await account(id).budget(id) });
        if (method === 'PATCH') return answered(await directory.updateUser(id, await body()));
        if (method === 'DELETE') {
          const removed = await directory.removeUser(id);
          await account(id).erase();
          return answered(removed);
        }
        return fail(405, 'GET, PATCH or DELETE');
      }
      if (collection === 'keys') {
        if (item === undefined && method === 'GET') return answered(await directory.listKeys(id));
        if (item === undefined && method === 'POST') {
          const { label = null } = await body();
          const made = newGatewayKey();
          const stored = await directory.addKey(id, { id: made.id, prefix: made.prefix, hash: await hashKey(made.key), label });
          return stored.refused ? answered(stored) : jsonResponse({ ...stored.value, key: made.key }, 201);
        }
        if (item !== undefined && method === 'DELETE') return answered(await directory.removeKey(id, item));
        return fail(405, 'GET or POST /keys, DELETE /keys/:id');
      }
      if (collection === 'models') {
        if (item === undefined && method === 'GET') return jsonResponse({ models: await account(id).listModels(id) });
        if (item === undefined && method === 'POST') return answered(await account(id).saveModel(id, await body(), true), 201);
        if (item !== undefined && method === 'PATCH') return answered(await account(id).saveModel(id, { ...(await body()), name: item }, false));
        if (item !== undefined && method === 'DELETE') return answered(await account(id).removeModel(id, item));
        return fail(405, 'GET or POST /models, PATCH or DELETE /models/:name');
      }
      if (collection === 'budget' && item === undefined) {
        if (method === 'GET') return jsonResponse(await account(id).budget(id));
        if (method === 'PUT') {
          const input = await body();
          if (!('monthly_usd' in input)) return fail(400, 'monthly_usd is missing: a decimal string of dollars, or null');
          return answered(await account(id).setBudget(id, input.monthly_usd));
        }
        return fail(405, 'GET or PUT');
      }
      if (collection === 'usage' && item === undefined && method === 'GET')
        return jsonResponse({ user: id, ...(await account(id).usage(id, usageRange(url.searchParams))) });
      return fail(404, 'no such admin route');
    }
    if (parts[0] === 'models') {
      const [, name, extra] = parts;
      if (extra !== undefined) return fail(404, 'no such admin route');
      if (name === undefined && method === 'GET') return jsonResponse({ models: await directory.listShared() });
      if (name === undefined && method === 'POST') return answered(await directory.saveShared(await body(), true), 201);
      if (name !== undefined && method === 'PATCH') return answered(await directory.saveShared({ ...(await body()), name }, false));
      if (name !== undefined && method === 'DELETE') return answered(await directory.removeShared(name));
      return fail(405, 'GET or POST /admin/models, PATCH or DELETE /admin/models/:name');
    }
    if (parts[0] === 'reseal' && parts.length === 1 && method === 'POST') {
      let resealed = await directory.resealShared();
      for (const { id } of await directory.listUsers()) resealed += await account(id).reseal(id);
      return jsonResponse({ resealed });
    }
    return fail(404, 'no such admin route');
  } catch (error) {
    if (error instanceof BodyError) return fail(error.status, error.message);
    if (error instanceof UsageQueryError) return fail(400, error.message);
    throw error;
  }
}
