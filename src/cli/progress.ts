// Progress on stderr: a bar (cli-progress) when stderr is a terminal, plain lines otherwise (scripts
// and CI logs read "re-wrapped 3/7 data key(s)", one line per step, no control characters).
import cliProgress from 'cli-progress';
import type { CommandOutput, Progress, ProgressLabel } from './context.js';

export function progressOnStderr(label: ProgressLabel): Progress {
  if (!process.stderr.isTTY) {
    return {
      update: (done) => void process.stderr.write(`${label.verb} ${done}/${label.total} ${label.unit}\n`),
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${label.verb} {bar} {value}/{total} ${label.unit}`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(label.total, 0);
  let stopped = false;
  return {
    update: (done) => bar.update(done),
    stop: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}

/** This process's terminal: results on stdout, notes and progress on stderr. */
export const terminal: CommandOutput = {
  out: (line) => void process.stdout.write(`${line}\n`),
  note: (line) => void process.stderr.write(`${line}\n`),
  progress: progressOnStderr,
};
