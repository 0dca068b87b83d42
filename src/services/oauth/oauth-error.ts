// An OAuth refusal (RFC 6749 codes), answered by the HTTP side as `{error, error_description}`.
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}
