// The MCP specification asks Streamable HTTP servers to validate Origin (and, with it, Host) against
// DNS rebinding: a page on evil.example whose name is re-pointed at Linkhub's address would otherwise
// reach /mcp from the victim's browser, on the victim's network. So, before authentication:
// - Host must name this Linkhub: LINKHUB_PUBLIC_URL's host and port, a LINKHUB_ALLOWED_HOSTS entry
//   (`host` for any port, `host:port` for one), or a localhost name when Linkhub listens on loopback
//   (a rebinding page's Host is its own name, never localhost);
// - an Origin, when sent (browsers do; the MCP SDK and StackOne's SDK outside a browser do not), must
//   be LINKHUB_PUBLIC_URL's origin, a LINKHUB_MCP_ALLOWED_ORIGINS entry, or the origin of the Host
//   just accepted (a page served by this Linkhub itself). `null` (sandboxed frames, file:) is refused.
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { fail, type LinkhubError } from '../errors/fail.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/** `hostname` and `port` of a Host header value (the scheme's default port when it names none). */
function parseHost(value: string, defaultPort: string): { hostname: string; port: string } | null {
  try {
    const u = new URL(`http://${value}`);
    if (u.username || u.password || u.pathname !== '/' || u.search || u.host.toLowerCase() !== value.toLowerCase().replace(/:80$/, '')) return null;
    return { hostname: u.hostname, port: u.port || defaultPort };
  } catch {
    return null;
  }
}

function hostAllowed(value: string, config: Config): boolean {
  const pub = new URL(config.publicUrl);
  const defaultPort = pub.protocol === 'https:' ? '443' : '80';
  const h = parseHost(value, defaultPort);
  if (!h) return false;
  if (h.hostname === pub.hostname && h.port === (pub.port || defaultPort)) return true;
  if (isLoopback(config.host) && LOOPBACK_NAMES.has(h.hostname)) return true;
  return config.allowedHosts.some((entry) => {
    const e = parseHost(entry, defaultPort);
    return e !== null && e.hostname === h.hostname && (!/:\d+$/.test(entry) || e.port === h.port);
  });
}

function originAllowed(origin: string, host: string, config: Config): boolean {
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if (o.origin !== origin.toLowerCase().replace(/\/$/, '')) return false;
  return o.origin === new URL(config.publicUrl).origin || config.mcpAllowedOrigins.includes(o.origin) || o.host === host.toLowerCase();
}

/** Why /mcp refuses this request (Host or Origin), or null. */
export function mcpRequestRefusal(request: FastifyRequest, config: Config): LinkhubError | null {
  const host = request.headers.host ?? '';
  if (!hostAllowed(host, config)) return fail('mcp_host_refused');
  const origin = request.headers.origin;
  if (origin !== undefined && !originAllowed(origin, host, config)) return fail('mcp_origin_refused');
  return null;
}
