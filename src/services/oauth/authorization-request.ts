// The parameters of an OAuth authorization request (GET and the approve POST of
// /dashboard/oauth/authorize), checked as OAuth 2.1 says: a bad client or redirect URI is shown to
// the user and never redirected to (it could be anyone's). A malformed request from a registered
// client is shown too, not sent back to its redirect URI: registration is open, so without a page a
// person reads first, anyone could make Linkhub send a browser to any URI (RFC 9700, section 4.11.2,
// open redirectors). The user's own decision (deny) goes back to the client.
import { type OAuthClient, OAuthError, type OAuthService, registeredRedirect } from './oauth.js';

export interface AuthorizationRequest {
  client: OAuthClient;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string;
  resource: string | null;
}

export type CheckedRequest =
  | { ok: AuthorizationRequest }
  /** Shown on the page, not redirected. */
  | { fatal: string };

/** The parameters a request carries, kept as hidden fields from page to page. */
export const AUTHORIZATION_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'state',
  'code_challenge',
  'code_challenge_method',
  'resource',
  'scope',
] as const;

const PKCE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

/** The client's redirect URI with an authorization answer (code or error) added, and the issuer (RFC 9207). */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return u.toString();
}

/**
 * The resource (RFC 8707) a request names, as Linkhub's one protected resource is named: `<public URL>/mcp`
 * (given so, with a trailing slash, or as the bare public URL); null when none is named; false when it
 * is another server's.
 */
export function ourResource(given: string | undefined, publicUrl: string): string | null | false {
  if (!given) return null;
  const r = given.replace(/\/$/, '');
  return r === `${publicUrl}/mcp` || r === publicUrl ? `${publicUrl}/mcp` : false;
}

export async function checkAuthorizationRequest(oauth: OAuthService, q: Record<string, string | undefined>, publicUrl: string): Promise<CheckedRequest> {
  let client: OAuthClient | null;
  try {
    client = q.client_id ? await oauth.client(q.client_id) : null;
  } catch (e) {
    // a client named by its metadata document's URL, whose document cannot be used
    if (e instanceof OAuthError) return { fatal: `This application cannot be used with Linkhub: ${e.description}.` };
    throw e;
  }
  if (!client) return { fatal: 'This application is not registered with Linkhub (unknown client_id).' };
  const redirectUri = q.redirect_uri ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
  if (!redirectUri || !registeredRedirect(client.redirectUris, redirectUri)) {
    return { fatal: 'The redirect_uri is not one this application registered.' };
  }
  const back = (error: string, description: string) => ({ fatal: `${client.name} sent a request Linkhub cannot answer (${error}): ${description}.` });
  if (q.response_type !== 'code') return back('unsupported_response_type', 'response_type must be code');
  if (q.code_challenge_method !== 'S256' || !q.code_challenge || !PKCE_CHALLENGE.test(q.code_challenge)) {
    return back('invalid_request', 'PKCE is required: code_challenge (43 to 128 characters) with code_challenge_method=S256');
  }
  const resource = ourResource(q.resource, publicUrl);
  if (resource === false) return back('invalid_target', `resource must be ${publicUrl}/mcp`);
  return { ok: { client, redirectUri, state: q.state, codeChallenge: q.code_challenge, resource } };
}
