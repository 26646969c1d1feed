#!/usr/bin/env node
/**
 * `eformidling`: the command line. Loads only the argument parser up front; each command loads what it needs.
 * @internal
 * @module
 */
import { main } from './main.js';
import { escapeControls, redactAuth } from './text.js';

const controller = new AbortController();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // First Ctrl-C: stop cleanly (the current message is finished or left for the IP to offer again); second: now.
    if (interrupted) process.exit(130);
    interrupted = true;
    controller.abort(Object.assign(new Error('interrupted'), { name: 'AbortError' }));
  });
}

// `eformidling statuses | head`: the reader went away; stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw error;
  });
}

main(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() },
  controller.signal,
).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Only an error outside every command lands here; it gets the same redaction and escaping as all other output.
    const text = error instanceof Error ? error.message : String(error);
    process.stderr.write(`eformidling: ${escapeControls(redactAuth(text))}\n`);
    process.exitCode = 1;
  },
);
