// A call held for approval, stored as it will be sent (the `request` column of `approvals`, jsonb).

export interface HeldRequest {
  method: string;
  path: string;
  /** The encoded body as it will be sent, and its content type. */
  body: string | null;
  contentType: string | null;
  /** The parameters, for people to read (redacted like the call log when shown). */
  params: unknown;
  /** Forwarded headers (no credential, no idempotency key). */
  headers: Record<string, string>;
  idempotencyKey: string;
  /**
   * How long the provider keeps the key after its first use (ms), from its connector when the call was
   * held; absent on calls held before it was recorded (no limit known). An approved call that got no
   * answer is sent again only well within it: later the provider may have forgotten the key.
   */
  keyKeptMs?: number;
  /** Where its idempotency key counts (keyScope: the account, and another one named by a header); absent on calls held before it was recorded. */
  scope?: string;
}
