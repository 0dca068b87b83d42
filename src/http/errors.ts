// Every 4xx/5xx leaves Linkhub as {statusCode, message, timestamp} (StackOne's error body),
// with optional documented extras such as `code` or `provider_response`.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ServiceError } from '../errors/service-error.js';

export function errorBody(statusCode: number, message: string, extra: Record<string, unknown> = {}) {
  return { statusCode, message, timestamp: new Date().toISOString(), ...extra };
}

export function sendError(reply: FastifyReply, statusCode: number, message: string, extra?: Record<string, unknown>) {
  return reply.code(statusCode).type('application/json').send(errorBody(statusCode, message, extra));
}

const CODE_STATUS: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'Request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'Unsupported content type: send application/json'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'Request body is empty but content-type is application/json'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'Request body is not valid JSON'],
};

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ServiceError | Error, request, reply) => {
    if (err instanceof ServiceError) {
      if (err.statusCode >= 500) request.log.error({ statusCode: err.statusCode, code: err.extra.code }, err.message);
      return sendError(reply, err.statusCode, err.message, err.extra);
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      const where = fe.validationContext ?? 'request';
      const first = fe.validation[0];
      const path = first?.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : '';
      const field =
        first?.keyword === 'required'
          ? [path, (first.params as { missingProperty?: string }).missingProperty].filter(Boolean).join('.')
          : first?.keyword === 'additionalProperties'
            ? [path, (first.params as { additionalProperty?: string }).additionalProperty].filter(Boolean).join('.')
            : path;
      const message =
        first?.keyword === 'required'
          ? `${where}.${field} is required`
          : first?.keyword === 'additionalProperties'
            ? `${where}.${field} is not a known field`
            : `${where}${field ? '.' + field : ''} ${first?.message ?? 'is invalid'}`;
      return sendError(reply, 400, message, { field: field || null });
    }
    const mapped = fe.code ? CODE_STATUS[fe.code] : undefined;
    if (mapped) return sendError(reply, mapped[0], mapped[1]);
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return sendError(reply, fe.statusCode, fe.message);
    request.log.error({ err: { type: err.name, message: err.message, stack: err.stack } }, 'unhandled error');
    return sendError(reply, 500, 'Internal server error');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `Route ${request.method} ${request.url.split('?')[0]} not found`));
}
