// A background loop that runs `pass` now and again `pollMs` after each pass ends (never two at once):
// kick() runs one at once, or right after the one under way; stop() starts no new pass and waits
// for the one under way. Shared by the webhook worker and the account verifier.
export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private halted = true;

  constructor(
    private readonly what: string,
    private readonly pollMs: number,
    private readonly pass: () => Promise<void>,
    private readonly warn: (msg: string) => void,
  ) {}

  /** True before start() and after stop(): a pass under way checks it to end early. */
  get stopped(): boolean {
    return this.halted;
  }

  start(): void {
    this.halted = false;
    this.kick();
  }

  async stop(): Promise<void> {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Runs a pass now (or right after the current one). */
  kick(): void {
    if (this.halted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.pass()
      .catch((e: unknown) => this.warn(`${this.what} failed: ${(e as Error).message}`))
      .finally(() => {
        this.running = null;
        if (this.halted) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          this.timer = setTimeout(() => this.kick(), this.pollMs);
          this.timer.unref();
        }
      });
  }
}
