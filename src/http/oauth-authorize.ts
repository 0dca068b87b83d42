// The OAuth authorization page (docs/agents.md#oauth) at /dashboard/oauth/authorize, under /dashboard
// so the Dashboard's session cookie (Path=/dashboard) reaches it: a signed-in Dashboard user picks
// one of the project's accounts and a policy preset and approves; the client gets a one-time code at
// its registered redirect URI. Not signed in: the Dashboard password first, on this page. The
// forms are CSRF-safe: the session cookie is SameSite=Strict, a cross-origin POST is refused
// (Sec-Fetch-Site / Origin), and the approve form carries a token derived from the session.
import { clientBucket } from './client-bucket.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LinkhubError } from '../errors/fail.js';
import { sameDigest, sha256 } from '../services/ids.js';
import { AUTHORIZATION_PARAMS, checkAuthorizationRequest, redirectWith } from '../services/oauth/authorization-request.js';
import { POLICY_PRESETS, type PolicyPreset } from '../services/oauth/oauth.js';
import { visibleText } from '../services/oauth/client-metadata.js';
import type { RouteContext } from './context.js';
import { crossOriginRefusal, dashboardActor, sessionCookie, sessionToken } from './dashboard/session.js';
import { AUTHORIZE_PATH, formParser, OAUTH_BODY_LIMIT } from './oauth.js';
import { approvePage, errorPage, signInPage } from './oauth-page.js';

const SIGN_IN_PATH = '/dashboard/oauth/sign_in';
/** Accounts listed at once; past that the page's search (by name or id, as the Dashboard's) finds the one wanted. */
const MAX_ACCOUNTS_SHOWN = 200;
/** The page's own query parameter: the search among the accounts, not one of the authorization request's. */
const ACCOUNT_SEARCH = 'account_search';

/** The approve form's CSRF token: bound to the session, which a cross-site page cannot read. */
const csrfOf = (session: string) => sha256(`oauth-approve:${session}`);

/**
 * The authorization parameters of a query or form, or why they cannot be read: a parameter given twice
 * (RFC 6749, section 3.1: it must not be; neither value is the request's) or longer than 2000
 * characters (a `state` dropped silently would come back without the client's protection).
 */
function paramsOf(source: unknown): Record<string, string | undefined> | string {
  const o = (source && typeof source === 'object' ? source : {}) as Record<string, unknown>;
  const out: Record<string, string | undefined> = {};
  for (const k of AUTHORIZATION_PARAMS) {
    const v = o[k];
    if (Array.isArray(v)) return `The authorization request gives ${k} more than once.`;
    if (typeof v === 'string' && v.length > 2000) return `The authorization request's ${k} is longer than 2000 characters.`;
    if (typeof v === 'string' && v !== '') out[k] = v;
  }
  return out;
}

const formOf = (request: FastifyRequest) => (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;

export const oauthAuthorizeRoutes =
  (ctx: RouteContext): FastifyPluginAsyncTypebox =>
  async (app) => {
    const { oauth, adminAuth, accounts, config } = ctx.services;
    const secure = () => config.publicUrl.startsWith('https:');
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, formParser);

    const accountChoices = async (search: string | undefined) => {
      const page = await accounts.listKeyset(ctx.services.defaultProject.id, { search }, { limit: MAX_ACCOUNTS_SHOWN });
      return {
        // names chosen by a user or at the provider: nothing invisible or reversing the text around it
        list: page.rows.map((a) => ({
          id: a.id,
          label: `${visibleText(a.externalAccountName || a.originOwnerName)} (${a.provider}, ${a.environment})`,
          hasPolicy: a.agentPolicy !== null,
        })),
        more: page.nextCursor !== null,
      };
    };

    app.get(AUTHORIZE_PATH, { schema: { hide: true } }, async (request, reply) => {
      const q = paramsOf(request.query);
      if (typeof q === 'string') return errorPage(reply, 400, q);
      const checked = await checkAuthorizationRequest(oauth, q, config.publicUrl);
      if ('fatal' in checked) return errorPage(reply, 400, checked.fatal);
      const token = sessionToken(request);
      if (!(await adminAuth.resolve(token))) return signInPage(reply, 200, q, checked.ok.client.name, SIGN_IN_PATH);
      const search = (request.query as Record<string, unknown>)[ACCOUNT_SEARCH];
      const wanted = typeof search === 'string' && search.trim() !== '' ? search.trim().slice(0, 200) : undefined;
      return approvePage(reply, {
        q,
        clientName: checked.ok.client.name,
        clientDocument: checked.ok.client.id.startsWith('https://') ? checked.ok.client.id : undefined,
        redirectUri: checked.ok.redirectUri,
        accounts: await accountChoices(wanted),
        search: { name: ACCOUNT_SEARCH, value: wanted },
        csrf: csrfOf(token!),
        action: AUTHORIZE_PATH,
      });
    });

    /** One of the project's accounts (the page lists them; the form could name anything). */
    const isAccount = (id: string): Promise<boolean> =>
      id.length > 0 && id.length <= 100
        ? accounts.get(ctx.services.defaultProject.id, id).then(
            () => true,
            (e) => {
              if (e instanceof LinkhubError) return false;
              throw e;
            },
          )
        : Promise.resolve(false);

    /** A form's authorization request, checked; or the answer when it is no good one. */
    async function checkedForm(request: FastifyRequest, reply: FastifyReply) {
      const form = formOf(request);
      const q = paramsOf(form);
      if (typeof q === 'string') return { answer: errorPage(reply, 400, q) };
      const checked = await checkAuthorizationRequest(oauth, q, config.publicUrl);
      if ('fatal' in checked) return { answer: errorPage(reply, 400, checked.fatal) };
      return { form, q, checked };
    }

    app.post(SIGN_IN_PATH, { schema: { hide: true }, bodyLimit: OAUTH_BODY_LIMIT }, async (request, reply) => {
      const c = await checkedForm(request, reply);
      if ('answer' in c) return c.answer;
      const { form, q, checked } = c;
      const refusal = crossOriginRefusal(request, config.publicUrl);
      if (refusal) return errorPage(reply, 403, refusal.message);
      const password = typeof form.password === 'string' ? form.password : '';
      try {
        if (!password || password.length > 1000) throw new Error('no password');
        const { token } = await adminAuth.signIn(password, clientBucket(request.ip));
        reply.header('set-cookie', sessionCookie(token, Math.floor(adminAuth.sessionTtlMs / 1000), secure()));
      } catch (e) {
        const known = e instanceof LinkhubError;
        if (known && e.entry === 'too_many_sign_in_attempts') reply.header('retry-after', String(e.extra.retry_after));
        if (known || (e instanceof Error && e.message === 'no password')) {
          return signInPage(reply, known ? e.statusCode : 401, q, checked.ok.client.name, SIGN_IN_PATH, known ? e.message : 'Enter the password.');
        }
        throw e;
      }
      const back = new URL(AUTHORIZE_PATH, 'http://x');
      for (const [k, v] of Object.entries(q)) if (v !== undefined) back.searchParams.set(k, v);
      return reply.redirect(back.pathname + back.search, 303);
    });

    app.post(AUTHORIZE_PATH, { schema: { hide: true }, bodyLimit: OAUTH_BODY_LIMIT }, async (request, reply) => {
      const c = await checkedForm(request, reply);
      if ('answer' in c) return c.answer;
      const { form, q, checked } = c;
      const token = sessionToken(request);
      const session = await adminAuth.resolve(token);
      if (!session) return signInPage(reply, 401, q, checked.ok.client.name, SIGN_IN_PATH, 'Your Dashboard session ended: sign in again.');
      request.adminSession = session;
      const refusal = crossOriginRefusal(request, config.publicUrl);
      const csrf = typeof form.csrf === 'string' ? form.csrf : '';
      if (refusal || !/^[0-9a-f]{64}$/.test(csrf) || !sameDigest(csrf, csrfOf(token!))) {
        return errorPage(reply, 403, 'This approval did not come from the authorization page: open the link from your MCP client again.');
      }
      const { redirectUri, state } = checked.ok;
      if (form.decision !== 'approve') {
        return reply.redirect(
          redirectWith(redirectUri, { error: 'access_denied', error_description: 'the user denied access', state, iss: config.publicUrl }),
          303,
        );
      }
      const policy = form.policy as PolicyPreset;
      if (!POLICY_PRESETS.includes(policy)) return errorPage(reply, 400, 'Choose a policy.');
      const accountId = typeof form.account === 'string' ? form.account : '';
      if (!(await isAccount(accountId))) return errorPage(reply, 400, 'Choose one of the accounts listed.');
      const code = await oauth.issueCode({
        ...checked.ok,
        projectId: ctx.services.defaultProject.id,
        accountId,
        policy,
        actor: dashboardActor(request),
      });
      return reply.redirect(redirectWith(redirectUri, { code, state, iss: config.publicUrl }), 303);
    });
  };
