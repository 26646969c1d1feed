/**
 * A typed, synchronous event source: the model's change events, the request log of the HTTP layer and the fault
 * rules' changes all use it, so a tool on top of the simulator (the console) observes without polling.
 * @internal
 * @module
 */

/** Listeners of one event type, called synchronously in the order they were added. @internal */
export class Listeners<E> {
  readonly #listeners = new Set<(event: E) => void>();

  /** Adds a listener; returns a function that removes it. */
  on(listener: (event: E) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: E): void {
    for (const listener of this.#listeners) listener(event);
  }
}
