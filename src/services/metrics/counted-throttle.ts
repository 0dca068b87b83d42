// The per-account throttle, counted: how long calls waited for a token and how many were refused.
// A decorator, so that src/upstream/ stays free of metrics; a call that gets a token at once costs
// nothing more (acquire() still returns undefined, no promise, no clock read).
import { performance } from 'node:perf_hooks';
import { ThrottleError, type ThrottleLike } from '../../upstream/index.js';
import type { Metrics } from './metrics.js';

export function countedThrottle(inner: ThrottleLike, metrics: Metrics): ThrottleLike {
  const refused = (err: unknown): never => {
    if (err instanceof ThrottleError) metrics.throttleRejected(err.reason);
    throw err;
  };
  return {
    defaultRate: inner.defaultRate,
    acquire(key, rate, burst, signal) {
      let wait: Promise<void> | undefined;
      try {
        wait = inner.acquire(key, rate, burst, signal);
      } catch (err) {
        return refused(err);
      }
      if (wait === undefined) return undefined;
      const started = performance.now();
      return wait.then(() => metrics.throttleWaited((performance.now() - started) / 1000), refused);
    },
    close: () => inner.close(),
  };
}
