// A request target in absolute form (`GET http://linkhub.example.com/v1/customers HTTP/1.1`), as a
// client configured with Linkhub as its HTTP proxy sends it. RFC 9112, section 3.2.2: a server MUST
// accept it, and its authority takes the place of the Host header. Routes, the provider's own paths
// and the logs then see the path alone, as for any other request (Fastify's rewriteUrl, before routing).
import type { IncomingMessage } from 'node:http';

const ABSOLUTE = /^https?:\/\/([^/?#]*)(.*)$/i;

/** The path (and query) of a request target, in either form; other forms (`*`) as they are. */
export function targetPath(url: string): string {
  if (url.charCodeAt(0) === 47) return url; // `/…`: the usual form
  const m = ABSOLUTE.exec(url);
  if (!m) return url;
  return m[2].startsWith('/') ? m[2] : `/${m[2]}`;
}

export function originForm(req: IncomingMessage): string {
  const url = req.url ?? '/';
  if (url.charCodeAt(0) === 47) return url; // `/…`: the usual form, untouched
  const m = ABSOLUTE.exec(url);
  if (!m) return url; // `*` or anything else: routed (and refused) as it is
  // A user and password in the target are never the client's to send (RFC 9110, section 4.2.4):
  // dropped, never logged. A request with no Host stays without one (400, RFC 9112, section 3.2),
  // and an empty authority names no host to take its place.
  const authority = m[1].slice(m[1].lastIndexOf('@') + 1);
  if (authority && req.headers.host !== undefined) req.headers.host = authority;
  return targetPath(url);
}
