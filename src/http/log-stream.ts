// Where the log lines go: stdout, written in batches instead of once per line.
// pino's default destination writes every line with its own write(2) as it is logged; under load
// that was a system call per request on the API thread. Then once per turn of the event loop: under
// load most turns carry one or two requests, so that was still about a write per request. Now a
// line waits for the next write: at once after the turn's I/O (setImmediate) when nothing was written
// in the last BUSY_MS, else when BUSY_MS have passed since the last write; at once when BATCH_BYTES
// are waiting. So a quiet server still writes each line at once, and a busy one writes at most every
// BUSY_MS (the lines of all its requests in between in one write). Written through process.stdout,
// which is synchronous for files, pipes and terminals on Linux, so nothing is held beyond that: on
// exit (process.exit included) what is left is written before the process ends.
// Hand-written because the batching is Linkhub's choice of when to write; the writing is Node's.
// (pino's asynchronous destination, sonic-boom, is not a dependency of Linkhub, and an
// asynchronous write could not be completed in an exit handler.)
import { performance } from 'node:perf_hooks';

/** Past this many characters waiting, the batch is written at once (bounds memory and line delay under a burst). */
const BATCH_BYTES = 64 * 1024;
/** A busy server writes its lines at most this often (ms): the longest a line waits. */
export const BUSY_MS = 5;

export interface LogStream {
  write(line: string): void;
  /** Writes what is waiting now. */
  flush(): void;
}

export function batchedStdout(out: { write(s: string): unknown } = process.stdout): LogStream {
  let waiting = '';
  let scheduled = false;
  let timer: NodeJS.Timeout | null = null;
  let lastWrite = Number.NEGATIVE_INFINITY;
  const flush = () => {
    scheduled = false;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (waiting === '') return;
    const batch = waiting;
    waiting = '';
    lastWrite = performance.now();
    out.write(batch);
  };
  process.on('exit', flush);
  return {
    write(line) {
      waiting += line;
      if (waiting.length >= BATCH_BYTES) flush();
      else if (!scheduled) {
        scheduled = true;
        const since = performance.now() - lastWrite;
        if (since >= BUSY_MS) setImmediate(flush);
        else timer = setTimeout(flush, BUSY_MS - since);
      }
    },
    flush,
  };
}
