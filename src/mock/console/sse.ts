import type { ConsoleEvent, Journal } from './journal.js';

/**
 * `GET /console/api/events`: the journal's events as Server-Sent Events (`id:`, `event:`, `data:` JSON), a
 * keep-alive comment every 15 s, and a replay of what a reconnecting `EventSource` missed (`Last-Event-ID`), or
 * one `reset` event when the journal no longer keeps all of it.
 * @internal
 * @module
 */

const encoder = new TextEncoder();

function frame(event: Pick<ConsoleEvent, 'id' | 'type' | 'data'>): Uint8Array {
  return encoder.encode(`id: ${event.id}\nevent: ${event.type}\ndata: ${event.data()}\n\n`);
}

/** The open streams, so the console can end them when it closes. */
export class EventStreams {
  readonly #open = new Set<() => void>();

  constructor(
    readonly journal: Journal,
    readonly keepAliveMs = 15_000,
  ) {}

  /** A streaming answer; `lastEventId` from the `Last-Event-ID` header (or `?lastEventId=`). */
  open(lastEventId: string | null): Response {
    let stop = () => {};
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        controller.enqueue(encoder.encode(`retry: 2000\n: connected\n\n`));
        const last = lastEventId !== null && /^\d+$/.test(lastEventId) ? Number(lastEventId) : undefined;
        if (last !== undefined) {
          const missed = this.journal.since(last);
          if (missed === 'reset') controller.enqueue(frame({ id: this.journal.lastId, type: 'reset', data: () => '{}' }));
          else for (const event of missed) controller.enqueue(frame(event));
        }
        const off = this.journal.on((event) => controller.enqueue(frame(event)));
        const timer = setInterval(() => controller.enqueue(encoder.encode(': keep-alive\n\n')), this.keepAliveMs);
        timer.unref?.();
        stop = () => {
          off();
          clearInterval(timer);
          this.#open.delete(end);
        };
        const end = () => {
          stop();
          controller.close();
        };
        this.#open.add(end);
      },
      cancel: () => stop(),
    });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-accel-buffering': 'no',
      },
    });
  }

  /** Ends every open stream. */
  close(): void {
    for (const end of [...this.#open]) end();
  }
}
