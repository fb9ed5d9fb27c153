// GET /v1/usage: what a user spent, per UTC day and model, from their ledger (the package's
// client.usage, which groups by one dimension at a time: the days first, then each day's
// models). Costs are the ledger's exact decimal dollars.

const dayMs = 86400000;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** Why a usage query was refused (a 400). */
export class UsageQueryError extends Error {}

/** The range a query asks for: `since` and `until` as YYYY-MM-DD (inclusive), default this UTC month so far. */
export function usageRange(searchParams, now = Date.now()) {
  const day = (name, fallback) => {
    const text = searchParams.get(name);
    if (text === null) return fallback;
    const time = dayPattern.test(text) ? Date.parse(`${text}T00:00:00Z`) : NaN;
    if (!Number.isFinite(time)) throw new UsageQueryError(`${name} must be a day, YYYY-MM-DD`);
    return time;
  };
  const today = Math.floor(now / dayMs) * dayMs;
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  const since = day('since', monthStart);
  const until = day('until', today) + dayMs;
  if (until <= since) throw new UsageQueryError('until is before since');
  if (until - since > 366 * dayMs) throw new UsageQueryError('the range is longer than 366 days');
  return { since, until };
}

/** {since, until, days: [{day, model, requests, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, cost_usd}], total: {...}}. */
export async function usageByDayAndModel(client, { since, until }) {
  const rows = [];
  for (const day of await client.usage({ by: 'day', since, until })) {
    const start = Date.parse(`${day.key}T00:00:00Z`);
    for (const model of await client.usage({ by: 'model', since: start, until: start + dayMs }))
      rows.push({ day: day.key, model: model.key, ...counts(model) });
  }
  const [total] = await client.usage({ by: 'user', since, until });
  return {
    since: new Date(since).toISOString().slice(0, 10),
    until: new Date(until - dayMs).toISOString().slice(0, 10),
    days: rows,
    total: total ? counts(total) : counts({ requests: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0,
      cost: '0', requestsWithoutCost: 0 }),
  };
}

const counts = (totals) => ({
  requests: totals.requests, input_tokens: totals.inputTokens, output_tokens: totals.outputTokens,
  cached_input_tokens: totals.cachedInputTokens, reasoning_tokens: totals.reasoningTokens, cost_usd: totals.cost,
  requests_without_cost: totals.requestsWithoutCost,
});
