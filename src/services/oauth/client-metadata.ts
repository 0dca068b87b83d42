// What an MCP client says of itself, checked the same way whether it registered (RFC 7591) or is named
// by the URL of its metadata document (client-documents.ts): a public client (no secret; PKCE proves
// the code's redeemer), the code grant, redirect URIs Linkhub may send a browser to, a name to show.
import { OAuthError } from './oauth-error.js';

export interface OAuthClient {
  id: string;
  name: string;
  redirectUris: string[];
}

const MAX_REDIRECT_URIS = 10;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Control, invisible and direction-override characters: they would let one name pass for another on a page. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\uffa0]/;

/** A name as a page may show it: without the characters INVISIBLE matches (names a person or a provider chose). */
export const visibleText = (s: string): string => s.replace(new RegExp(INVISIBLE.source, 'g'), '');

/** Schemes that run something, reach a network or a browser's inside, not an app's own (RFC 8252's private-use schemes). */
const NOT_APP_SCHEMES = new Set(
  [
    // run something or show a browser's inside
    ...['javascript', 'data', 'file', 'blob', 'vbscript', 'filesystem', 'view-source', 'about', 'jar', 'chrome', 'resource', 'intent', 'search-ms'],
    // reach a network host (the code would go to it)
    ...['ftp', 'sftp', 'ssh', 'telnet', 'smb', 'nfs', 'ldap', 'ldaps', 'irc', 'ircs', 'rtsp', 'git', 'nntp', 'news', 'gopher', 'ws', 'wss', 'webcal', 'dav'],
    // open a URL in a browser
    ...['microsoft-edge', 'x-safari-https', 'x-safari-http', 'googlechrome', 'googlechromes', 'firefox', 'opera-http', 'opera-https'],
    ...['mailto', 'tel', 'sms', 'ms-word', 'ms-excel', 'ms-powerpoint'],
  ].map((s) => `${s}:`),
);

/** OAuth 2.1 redirect URIs: https, http on a loopback host (native apps, mcp-remote), or an app's private scheme; never a fragment. */
export function redirectUriProblem(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'is not an absolute URI';
  }
  if (raw.length > 2000) return 'is longer than 2000 characters';
  // the URL parser drops tabs and line breaks, so the stored text would not be the URI redirected to
  if (/[\u0000-\u0020\u007f]/.test(raw)) return 'must not contain spaces or control characters';
  if (u.hash || raw.includes('#')) return 'must not have a fragment'; // an empty one too: `…/cb#` has no hash
  // `https://claude.ai:443@evil.example/cb` goes to evil.example: a person reading it may not see that
  if (u.username || u.password || /^[^:]+:\/\/[^/?]*@/.test(raw)) return 'must not carry a user name or password (…@host)';
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:') return LOOPBACK.has(u.hostname) ? null : 'http is allowed only on a loopback host (localhost, 127.0.0.1, [::1])';
  if (NOT_APP_SCHEMES.has(u.protocol)) return `scheme ${u.protocol} is not allowed`;
  return null; // an app's private-use scheme (RFC 8252)
}

/**
 * Whether a requested redirect URI is one the client registered: the same string, or for an http
 * loopback URI the same but for the port. A native app listens on whatever port is free when it
 * asks, so the server must allow any (RFC 8252, section 7.3; OAuth 2.1, section 8.4.2).
 */
export function registeredRedirect(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  let want: URL;
  try {
    want = new URL(requested);
  } catch {
    return false;
  }
  if (want.protocol !== 'http:' || !LOOPBACK.has(want.hostname) || requested.includes('#')) return false;
  const portless = (u: URL) => `${u.protocol}//${u.hostname}${u.pathname}${u.search}`;
  return registered.some((r) => {
    const u = URL.canParse(r) ? new URL(r) : null;
    return u !== null && u.protocol === 'http:' && portless(u) === portless(want);
  });
}

/** A client's metadata (RFC 7591, section 2) as Linkhub keeps it, or OAuthError saying what is wrong with it. */
export function checkClientMetadata(metadata: Record<string, unknown>): { name: string; redirectUris: string[] } {
  const uris = metadata.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || uris.length > MAX_REDIRECT_URIS || uris.some((u) => typeof u !== 'string')) {
    throw new OAuthError('invalid_redirect_uri', `redirect_uris must be a list of 1 to ${MAX_REDIRECT_URIS} URIs`);
  }
  for (const u of uris as string[]) {
    const problem = redirectUriProblem(u);
    if (problem) throw new OAuthError('invalid_redirect_uri', `redirect_uri ${JSON.stringify(u.slice(0, 200))} ${problem}`);
  }
  const grants = metadata.grant_types;
  if (grants !== undefined && (!Array.isArray(grants) || !grants.includes('authorization_code'))) {
    throw new OAuthError('invalid_client_metadata', 'grant_types must include authorization_code');
  }
  const responses = metadata.response_types;
  if (responses !== undefined && (!Array.isArray(responses) || !responses.includes('code'))) {
    throw new OAuthError('invalid_client_metadata', 'response_types must include code');
  }
  const rawName = typeof metadata.client_name === 'string' ? metadata.client_name.trim() : '';
  // shown on the consent page and in agent token names: one plain line, no direction overrides, nothing
  // invisible (zero-width and filler characters would let a name pass for another one)
  if (INVISIBLE.test(rawName)) {
    throw new OAuthError('invalid_client_metadata', 'client_name must be one line with no control, invisible or direction-override characters');
  }
  return { name: (rawName || 'MCP client').slice(0, 100), redirectUris: [...new Set(uris as string[])] };
}
