// Errors a service raises for the HTTP layer to render as {statusCode, message, timestamp}.
export class ServiceError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ServiceError(404, `${what} not found`);
export const badRequest = (message: string, extra?: Record<string, unknown>) => new ServiceError(400, message, extra);
