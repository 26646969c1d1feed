/**
 * The abort signal of one attempt: aborted when the attempt's time is up or when the caller's signal aborts.
 *
 * One timer per attempt covers the headers and, for the SDK's own readers, the body. The caller's signal is
 * forwarded by a listener (this object, through `handleEvent`), not `AbortSignal.any()`, which measured about 20 µs
 * a request; no closure is made per attempt.
 * @internal
 * @module
 */

/** @internal */
export class AttemptSignal {
  readonly #controller = new AbortController();
  readonly #caller: AbortSignal | undefined;
  readonly #timer: ReturnType<typeof setTimeout>;
  #timedOut = false;
  #released = false;

  constructor(timeoutMs: number, caller: AbortSignal | undefined) {
    this.#caller = caller;
    this.#timer = setTimeout(expire, timeoutMs, this);
    caller?.addEventListener('abort', this, { once: true });
  }

  /** The signal to give `fetch`. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True when the attempt's timer fired (rather than the caller aborting). */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /** Stops the timer and the forwarding: the attempt is over, or its reader times itself from here on. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    clearTimeout(this.#timer);
    // A long-lived caller signal (a receive loop's) must not collect one listener per request.
    this.#caller?.removeEventListener('abort', this);
  }

  /** The caller's signal aborted (EventTarget calls this for the listener object). */
  handleEvent(): void {
    this.#controller.abort(this.#caller?.reason);
  }

  /** @internal */
  expire(): void {
    this.#timedOut = true;
    this.#controller.abort();
  }
}

function expire(attempt: AttemptSignal): void {
  attempt.expire();
}
