/**
 * What `receive --watch` shows while the queue is empty: a spinner on a terminal (stderr, redrawn in place and
 * cleared when work resumes), one line otherwise, so a log shows the wait once instead of once per poll.
 * @internal
 * @module
 */
import type { CliIo } from './output.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = `\r${String.fromCharCode(0x1b)}[K`;

/** A waiting indicator. @internal */
export interface WaitingIndicator {
  /** Shows that the command waits (idempotent while waiting). */
  start(): void;
  /** Ends the wait: clears the spinner on a terminal. */
  stop(): void;
}

/** @internal */
export function waitingIndicator(io: CliIo, text: string, options: { frameMs?: number } = {}): WaitingIndicator {
  const tty = io.stderr.isTTY === true && io.env.TERM !== 'dumb';
  let timer: NodeJS.Timeout | undefined;
  let waiting = false;
  let frame = 0;
  const draw = () => {
    io.stderr.write(`\r${FRAMES[frame % FRAMES.length]} ${text}`);
    frame += 1;
  };
  return {
    start() {
      if (waiting) return;
      waiting = true;
      if (!tty) {
        io.stderr.write(`${text}\n`);
        return;
      }
      draw();
      timer = setInterval(draw, options.frameMs ?? 120);
      timer.unref();
    },
    stop() {
      if (!waiting) return;
      waiting = false;
      if (timer) clearInterval(timer);
      timer = undefined;
      if (tty) io.stderr.write(CLEAR_LINE);
    },
  };
}
