// A count of events per key in fixed windows, in this process's memory: for an open endpoint whose
// abuse would fill the store (OAuth client registration). Per node, so a cluster allows its number of
// nodes times the limit; the keys kept are bounded (the oldest window is forgotten first).

const MAX_KEYS = 10_000;

export class WindowLimit {
  private readonly windows = new Map<string, { started: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one event of `key`; 0 when it is within the limit, else the ms until the window ends (not counted). */
  take(key: string): number {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now - w.started >= this.windowMs) {
      if (w) this.windows.delete(key);
      if (this.windows.size >= MAX_KEYS) this.windows.delete(this.windows.keys().next().value as string);
      w = { started: now, count: 0 };
      this.windows.set(key, w); // (re)inserted last: the map's first key is the oldest window
    }
    if (w.count >= this.limit) return w.started + this.windowMs - now;
    w.count++;
    return 0;
  }
}
