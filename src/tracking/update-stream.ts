import type { StatusUpdate } from './events.js';

/** Where a tracker pushes its updates for one `for await` loop. @internal */
export interface UpdateSink {
  push(update: StatusUpdate): void;
  end(error?: unknown): void;
}

/**
 * The updates of one `for await` over a tracker: buffered from the moment the loop starts, ending when the tracker
 * ends the sink (throwing the error that stopped the tracker, if any). `ended` is set when the tracker has already
 * stopped.
 * @internal
 */
export async function* updateStream(sinks: Set<UpdateSink>, ended?: { error: unknown }): AsyncGenerator<StatusUpdate, void, undefined> {
  const buffer: StatusUpdate[] = [];
  let done = false;
  let error: unknown;
  let notify: (() => void) | undefined;
  const sink: UpdateSink = {
    push: (u) => {
      buffer.push(u);
      notify?.();
    },
    end: (e) => {
      done = true;
      error = e;
      notify?.();
    },
  };
  if (ended) sink.end(ended.error);
  else sinks.add(sink);
  try {
    while (true) {
      const next = buffer.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (done) {
        if (error !== undefined) throw error;
        return;
      }
      await new Promise<void>((resolve) => {
        notify = resolve;
      });
      notify = undefined;
    }
  } finally {
    sinks.delete(sink);
  }
}
