// Logger options shared by main() and the tests: request logs carry method and a redacted URL only
// (no headers, so no Authorization, hub token or cookie ever reaches a log line).
import type { FastifyServerOptions } from 'fastify';

/** Query values that are bearer secrets are never logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|api_key|key)=)[^&#]*/gi, '$1[redacted]');
}

export function loggerOptions(level: string, stream?: { write(line: string): void }): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
    },
  };
}
