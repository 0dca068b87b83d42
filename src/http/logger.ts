// Logger options shared by main() and the tests: request logs carry method and a redacted URL only
// (no headers, so no Authorization, hub token or cookie ever reaches a log line).
import type { FastifyServerOptions } from 'fastify';
import { redactPath } from '../services/logs/redaction.js';

/**
 * The URL as logged: values of sensitive parameters (token, key, api_key, *_secret, … — the call
 * log's list, their names decoded however encoded) redacted, and anything shaped like a provider's
 * secret masked wherever it appears and in whatever encoding (the call log's redaction).
 */
export function redactUrl(url: string): string {
  // the call log stores the marker percent-encoded (a valid query); a log line shows it as it reads
  return redactPath(url).replace(/%5Bredacted%5D/g, '[redacted]');
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
