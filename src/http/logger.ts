// Logger options shared by main() and the tests: request logs carry method and a redacted URL only
// (no headers, so no Authorization, hub token or cookie ever reaches a log line).
import { type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from 'fastify';
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

/**
 * One line per request, written when the answer has gone: method, redacted URL, status and time
 * (`request completed`), under the request's id like every line of the request. Fastify's default is
 * two lines (`incoming request`, then `request completed`); at a proxy's rate the first one doubled
 * the cost of logging for nothing the second does not say. Errors keep Fastify's own lines.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) super.requestCompleted(error, request, reply);
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
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
