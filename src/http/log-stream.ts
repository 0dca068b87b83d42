// Where the log lines go: stdout, written once per turn of the event loop instead of once per line.
// pino's default destination writes every line with its own write(2) as it is logged; under load
// that was a system call per request on the API thread. The lines of one turn are joined and
// written together after the turn's I/O (setImmediate), or at once when they pass BATCH_BYTES, so
// a quiet server still writes each line at once. Written through process.stdout, which is
// synchronous for files, pipes and terminals on Linux, so nothing is held beyond the turn: on exit
// (process.exit included) what is left is written before the process ends.
// Hand-written because the batching is Linkhub's choice of when to write; the writing is Node's.
// (pino's asynchronous destination, sonic-boom, is not a dependency of Linkhub, and an
// asynchronous write could not be completed in an exit handler.)

/** Past this many characters waiting, the batch is written at once (bounds memory and line delay under a burst). */
const BATCH_BYTES = 64 * 1024;

export interface LogStream {
  write(line: string): void;
  /** Writes what is waiting now. */
  flush(): void;
}

export function batchedStdout(out: { write(s: string): unknown } = process.stdout): LogStream {
  let waiting = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (waiting === '') return;
    const batch = waiting;
    waiting = '';
    out.write(batch);
  };
  process.on('exit', flush);
  return {
    write(line) {
      waiting += line;
      if (waiting.length >= BATCH_BYTES) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
