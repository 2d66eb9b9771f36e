/**
 * Pages of the official dashboard's export whose only job, on load, is to change the route in the
 * browser: the index pushes `/clusters`, `/settings` replaces itself with `/settings/config`, and
 * the users page adds `?deduplicate=` when it is absent. A first visit also starts the dashboard's
 * guided tour, which blocks every route change it did not start: when the page's own change comes
 * after the tour is up, the visitor gets a "tour is in progress, abort?" dialog and the page throws
 * `Route change aborted by user during tour.` (an uncaught error in the console). Answering these
 * URLs with an HTTP redirect to where the page would have gone leaves the page nothing to change.
 *
 * A redirect is made only when the export has the target's page, so an export whose index is a real
 * page (or that has no such page) is served as it is.
 */

export interface OfficialRedirect {
  /** The path after `/dashboard/`, without a trailing slash ('' is the index). */
  from: string;
  /** Where the page's own code sends the browser, after `/dashboard/`. */
  to: string;
  /** The export's page file that must exist for the redirect to be made. */
  page: string;
  /** Redirect only when the query lacks this parameter; the value the page would set. */
  unlessQuery?: { name: string; value: string };
}

export const OFFICIAL_REDIRECTS: readonly OfficialRedirect[] = [
  { from: '', to: 'clusters', page: 'clusters.html' },
  { from: 'settings', to: 'settings/config', page: 'settings/config.html' },
  // The page's default once /api/health names the user (`!userEmail`), which this server's always
  // does: the full table, with each user's id, role and actions.
  { from: 'users', to: 'users', page: 'users.html', unlessQuery: { name: 'deduplicate', value: 'false' } },
];

/**
 * Where to send a request for `/dashboard/<rest>` with `query` ('' or '?...'), or null. `hasPage`
 * says whether the export has a page file.
 */
export function officialRedirect(rest: string, query: string, hasPage: (file: string) => boolean): string | null {
  const from = rest.endsWith('/') ? rest.slice(0, -1) : rest;
  const rule = OFFICIAL_REDIRECTS.find((r) => r.from === from);
  if (!rule || !hasPage(rule.page)) return null;
  if (!rule.unlessQuery) return `${rule.to}${query}`;
  const params = new URLSearchParams(query);
  if (params.has(rule.unlessQuery.name)) return null;
  params.set(rule.unlessQuery.name, rule.unlessQuery.value);
  return `${rule.to}?${params.toString()}`;
}
