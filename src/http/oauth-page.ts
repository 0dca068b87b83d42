// The authorization page's HTML (oauth-authorize.ts): sign in, then pick an account and a policy
// preset and approve. Server-rendered, no script; every value is escaped.
import type { FastifyReply } from 'fastify';
import { AUTHORIZATION_PARAMS } from '../services/oauth/authorization-request.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The request's parameters as hidden fields, so they travel from page to page. */
export const hiddenParams = (q: Record<string, string | undefined>) =>
  AUTHORIZATION_PARAMS.filter((k) => q[k] !== undefined)
    .map((k) => `<input type="hidden" name="${k}" value="${esc(q[k]!)}">`)
    .join('');

const STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}' +
  'fieldset{border:1px solid #ccc;border-radius:6px;margin:1rem 0}label{display:block;margin:.3rem 0}' +
  'button{font:inherit;padding:.4rem 1rem;margin-right:.5rem}.error{color:#b00020}code{font-size:90%}';

/** Sends a page: no framing, no caching, forms only to this origin and (approval redirects there) the client's redirect URI. */
export function sendPage(reply: FastifyReply, status: number, title: string, body: string, formTarget?: string): FastifyReply {
  let target = '';
  if (formTarget) {
    const u = new URL(formTarget);
    target = u.protocol === 'http:' || u.protocol === 'https:' ? ` ${u.origin}` : ` ${u.protocol}`;
  }
  const csp = `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${target}; frame-ancestors 'none'; base-uri 'none'`;
  return reply
    .code(status)
    .header('content-security-policy', csp)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin') // no-referrer would make a browser send `Origin: null` with the forms, which is refused
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>${esc(title)} · Linkhub</title><style>${STYLE}</style><h1>${esc(title)}</h1>${body}</html>`,
    );
}

/**
 * A redirect URI as the browser will go to it: the parsed form, whose host is in punycode, so a
 * look-alike in another script (`claude.аі`) shows as what it is (`claude.xn--80a0f`).
 */
const asSent = (uri: string): string => (URL.canParse(uri) ? new URL(uri).href : uri);

export const errorPage = (reply: FastifyReply, status: number, message: string) =>
  sendPage(reply, status, 'Cannot authorize', `<p class="error">${esc(message)}</p>`);

export function signInPage(reply: FastifyReply, status: number, q: Record<string, string | undefined>, clientName: string, action: string, error?: string) {
  return sendPage(
    reply,
    status,
    'Sign in to Linkhub',
    `<p><strong>${esc(clientName)}</strong> asks to use Linkhub through MCP. Sign in with the Dashboard password to choose what it may do.</p>` +
      (error ? `<p class="error">${esc(error)}</p>` : '') +
      `<form method="post" action="${esc(action)}">${hiddenParams(q)}` +
      '<label>Password <input type="password" name="password" autocomplete="current-password" required autofocus></label>' +
      '<button type="submit">Sign in</button></form>',
  );
}

export interface AccountChoice {
  id: string;
  label: string;
  /** Whether the account has an agent policy: without one, "the account's agent policy" sets no limits. */
  hasPolicy: boolean;
}

/**
 * The search among the accounts (a GET of this page with the request's parameters): shown when not
 * every account is listed, or a search was made.
 */
function accountSearch(o: { q: Record<string, string | undefined>; action: string; search: { name: string; value?: string }; more: boolean; found: number }) {
  const { name, value } = o.search;
  if (!o.more && value === undefined) return '';
  const said = value === undefined ? '' : ` value="${esc(value)}"`;
  const note = o.more
    ? `<p>Only the first ${o.found} accounts are listed: find the one you want by its name or id.</p>`
    : o.found === 0
      ? `<p class="error">No account matches ${esc(JSON.stringify(value))}.</p>`
      : '';
  return (
    `${note}<form method="get" action="${esc(o.action)}">${hiddenParams(o.q)}` +
    `<label>Find an account <input type="search" name="${esc(name)}"${said}></label><button type="submit">Find</button></form>`
  );
}

export function approvePage(
  reply: FastifyReply,
  o: {
    q: Record<string, string | undefined>;
    clientName: string;
    /** The URL of the client's metadata document, when it names itself by one: what it proves is its host. */
    clientDocument?: string;
    redirectUri: string;
    accounts: { list: AccountChoice[]; more: boolean };
    search: { name: string; value?: string };
    csrf: string;
    action: string;
  },
) {
  if (o.accounts.list.length === 0 && o.search.value === undefined) {
    return errorPage(reply, 409, 'This Linkhub has no linked account yet: link one in the Dashboard, then try again.');
  }
  const found = o.accounts.list.length;
  const accounts = o.accounts.list
    .map(
      (a, i) =>
        `<label><input type="radio" name="account" value="${esc(a.id)}"${i === 0 ? ' checked' : ''}> ${esc(a.label)} <code>${esc(a.id)}</code>` +
        `${a.hasPolicy ? ' <small>(agent policy set)</small>' : ' <small><strong>(no agent policy: no limits)</strong></small>'}</label>`,
    )
    .join('');
  return sendPage(
    reply,
    200,
    'Authorize an MCP client',
    `<p><strong>${esc(o.clientName)}</strong> asks for an agent token to use one linked account through Linkhub's MCP server. ` +
      `It will be sent back to <code>${esc(asSent(o.redirectUri))}</code>.</p>` +
      (o.clientDocument
        ? `<p>It describes itself in the document at <code>${esc(o.clientDocument)}</code>: its name is its own word, its host is where it comes from.</p>`
        : '') +
      accountSearch({ ...o, more: o.accounts.more, found }) +
      `<form method="post" action="${esc(o.action)}">${hiddenParams(o.q)}<input type="hidden" name="csrf" value="${esc(o.csrf)}">` +
      `<fieldset><legend>Account</legend>${accounts}</fieldset>` +
      '<fieldset><legend>Policy</legend>' +
      '<label><input type="radio" name="policy" value="read_only" checked> Read-only: reading actions only</label>' +
      '<label><input type="radio" name="policy" value="account"> The account\'s agent policy (as set with PUT /accounts/{id}/agent_policy). ' +
      '<strong>An account without one sets no limits: every action passes, money moving included.</strong></label></fieldset>' +
      '<button type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="deny">Deny</button></form>',
    o.redirectUri,
  );
}
