// The account of /dashboard/accounts/<id>/<page>, and the paths of an account's own pages.
export const accountIdOf = (pathname: string) => decodeURIComponent(/^\/dashboard\/accounts\/([^/]+)\//.exec(pathname)?.[1] ?? '');
export const agentsPath = (id: string) => `/dashboard/accounts/${encodeURIComponent(id)}/agents`;
export const connectPath = (id: string) => `/dashboard/accounts/${encodeURIComponent(id)}/connect`;

/** A token just created on an account, kept in memory only (never in the URL or storage) so the
 * Connect page can fill it into its snippets. */
let fresh: { accountId: string; token: string } | null = null;
export function rememberToken(accountId: string, token: string) {
  fresh = { accountId, token };
}
export const freshToken = (accountId: string) => (fresh?.accountId === accountId ? fresh.token : null);
