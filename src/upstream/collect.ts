// One request through an undici Pool with its body buffered: what pool.request() + body.bytes()
// does, without a Readable stream, an AsyncResource and the extra promises per call (the client's
// hot path). Header names lowercased, repeated headers joined with ', '.
import { util as undiciUtil, type Dispatcher, type Pool } from 'undici';

export interface Collected {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * One request through pool.dispatch with a handler that buffers the body: what
 * pool.request() + body.bytes() does, without a Readable stream, an AsyncResource and the
 * extra promises per call. Header names lowercased, repeated headers joined with ', '.
 */
class CollectHandler {
  private status = 0;
  private headers: Record<string, string> = {};
  private chunks: Buffer[] = [];
  private size = 0;
  private abort: ((reason?: unknown) => void) | null = null;
  private readonly onAbort: (() => void) | null = null;

  constructor(
    private readonly resolve: (r: Collected) => void,
    private readonly reject: (e: unknown) => void,
    private readonly signal: AbortSignal | null,
  ) {
    if (signal !== null) {
      this.onAbort = () => this.abort?.(signal.reason);
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  onConnect(abort: (reason?: unknown) => void): void {
    if (this.signal?.aborted) abort(this.signal.reason);
    else this.abort = abort;
  }

  onHeaders(statusCode: number, raw: Buffer[]): boolean {
    if (statusCode < 200) return true; // 1xx: wait for the final answer
    this.status = statusCode;
    const h: Record<string, string> = {};
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = undiciUtil.headerNameToString(raw[i]); // well-known names from a lookup tree, no string copy
      // toString() with no encoding is Buffer's UTF-8 fast path (no encoding lookup per value)
      const value = name === 'content-disposition' ? raw[i + 1].toString('latin1') : raw[i + 1].toString();
      const prev = h[name];
      h[name] = prev === undefined ? value : prev + ', ' + value;
    }
    this.headers = h;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  onComplete(): void {
    this.done();
    // One chunk (the usual small answer): undici hands over a view of a buffer it does not reuse, so no copy.
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.resolve({ status: this.status, headers: this.headers, body });
  }

  onError(err: unknown): void {
    this.done();
    this.reject(err);
  }

  private done(): void {
    if (this.onAbort !== null) this.signal!.removeEventListener('abort', this.onAbort);
  }
}

export function collect(pool: Pool, options: Dispatcher.DispatchOptions, signal: AbortSignal | undefined): Promise<Collected> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    pool.dispatch(options, new CollectHandler(resolve, reject, signal ?? null) as unknown as Dispatcher.DispatchHandler);
  });
}
