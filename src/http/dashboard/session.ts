// The dashboard's cookie session and request guards: the session cookie (HttpOnly, SameSite=Strict,
// Secure when Linkhub is served over https, scoped to /dashboard), sign-in required on every API
// route, and CSRF protection on state-changing calls (a custom header plus a same-origin check).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminAuthService, AdminSession } from '../../services/admin/admin-auth.js';
import type { Actor } from '../../services/logs/actor.js';
import { fail, type LinkhubError } from '../../errors/fail.js';
import { sendError } from '../errors.js';

export const COOKIE_NAME = 'linkhub_dashboard';
export const COOKIE_PATH = '/dashboard';
export const CSRF_HEADER = 'x-linkhub-csrf';

declare module 'fastify' {
  interface FastifyRequest {
    adminSession: AdminSession;
  }
}

/** The value of one cookie from the Cookie header (values here are base64url: no decoding needed). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${COOKIE_NAME}=${value}`, `Path=${COOKIE_PATH}`, `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join(
    '; ',
  );
}

export const clearedCookie = (secure: boolean) => sessionCookie('', 0, secure);

export const sessionToken = (request: FastifyRequest) => readCookie(request.headers.cookie, COOKIE_NAME);

export const dashboardActor = (request: FastifyRequest): Actor => ({ type: 'dashboard', id: `admin:${request.adminSession.idHash.slice(0, 12)}` });

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Why a state-changing request does not come from this origin (when the browser says where it comes from), or null. */
export function crossOriginRefusal(request: FastifyRequest, publicUrl: string): LinkhubError | null {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return fail('cross_site_refused');
  const origin = request.headers.origin;
  if (origin === 'null') return fail('cross_origin_refused');
  if (!origin) return null;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    /* unparsable: refused below */
  }
  let publicHost: string | null = null;
  try {
    publicHost = new URL(publicUrl).host;
  } catch {
    /* none */
  }
  return host === null || (host !== request.headers.host && host !== publicHost) ? fail('cross_origin_refused') : null;
}

/**
 * State-changing calls must carry `x-linkhub-csrf: 1` (a cross-site page cannot set a custom header
 * without a CORS preflight, which the dashboard never grants) and, when the browser says where the
 * request comes from, come from this origin.
 */
export function csrfGuard(publicUrl: () => string) {
  return async function guard(request: FastifyRequest, reply: FastifyReply) {
    if (SAFE_METHODS.has(request.method)) return;
    if (request.headers[CSRF_HEADER] !== '1') {
      return sendError(reply, fail('csrf_header_missing', { header: CSRF_HEADER }));
    }
    const refusal = crossOriginRefusal(request, publicUrl());
    if (refusal) return sendError(reply, refusal);
  };
}

/** Requires a live dashboard session cookie; 401 in the error shape otherwise. */
export function requireAdmin(adminAuth: AdminAuthService) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    const session = await adminAuth.resolve(sessionToken(request));
    if (!session) return sendError(reply, fail('dashboard_session_missing'));
    request.adminSession = session;
  };
}
