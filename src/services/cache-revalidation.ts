// The change feed's fallback: every `everyMs` each cache checks what it holds against the store, so
// a change whose notification was lost (a node killed between its commit and its NOTIFY, a dropped
// listening connection) still reaches every node within that interval. Only with several possible
// nodes (PostgreSQL); one query per cache per interval, whatever the traffic.
export class CacheRevalidation {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly caches: readonly { revalidate(): Promise<void> }[],
    private readonly everyMs: number,
    private readonly warn: (msg: string) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // A slow store must not pile up checks: skip a tick while the last one runs.
      if (this.running) return;
      this.running = Promise.all(this.caches.map((c) => c.revalidate()))
        .then(() => {})
        .catch((e: Error) => this.warn(`cache revalidation failed: ${e.message}`))
        .finally(() => {
          this.running = null;
        });
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
